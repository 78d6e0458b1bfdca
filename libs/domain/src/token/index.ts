export * from './token-claim';
export * from './signing-key';
export * from './compact-jws';
export * from './client-assertion';
export * from './dpop-proof';
export * from './key-rotation-policy';
