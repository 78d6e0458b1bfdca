export * from './request-context';
export * from './token-policy';
export * from './enrol-key';
export * from './change-identity';
