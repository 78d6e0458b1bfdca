import { delimiter, dirname } from 'node:path';

/**
 * PATH for a child process whose `node` must be the given binary: the server's launcher
 * (apps/api/bin/titan-server) calls `node` by name.
 */
export const pathWithNode = (node: string = process.execPath): string => [dirname(node), process.env['PATH'] ?? ''].join(delimiter);
