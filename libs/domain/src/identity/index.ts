export * from './identity-id';
export * from './scope';
export * from './audience';
export * from './ec-public-jwk';
export * from './identity-key';
export * from './user-identity';
