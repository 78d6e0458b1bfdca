export * from './token-claim';
export * from './signing-key';
