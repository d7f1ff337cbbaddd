#!/usr/bin/env node
// Prints a development JWT (HS256, signed with JWT_SECRET or the documented development default).
//   npm run token -- --roles platform-admin
//   npm run token -- --tenant <tenant-id> [--tenant <another>] --roles member --sub alice
import { parseArgs } from 'node:util';
import { createSigner } from 'fast-jwt';

const DEVELOPMENT_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
const { values } = parseArgs({
  options: {
    tenant: { type: 'string', multiple: true, default: [] },
    roles: { type: 'string', default: 'member' },
    sub: { type: 'string', default: 'dev-user' },
    ttl: { type: 'string', default: '3600' },
  },
});
const sign = createSigner({
  key: process.env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
  algorithm: 'HS256',
  expiresIn: Number(values.ttl) * 1000,
});
process.stdout.write(
  `${sign({ sub: values.sub, tenants: values.tenant, roles: values.roles.split(',').filter(Boolean) })}\n`,
);
