import { InitialSchema1767225600000 } from './1767225600000-initial-schema.migration';
import { SigningKeyLifecycle1767312000000 } from './1767312000000-signing-key-lifecycle.migration';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const migrations = [InitialSchema1767225600000, SigningKeyLifecycle1767312000000];
export { InitialSchema1767225600000, SigningKeyLifecycle1767312000000 };
