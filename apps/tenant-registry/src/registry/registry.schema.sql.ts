// DDL of the registry's own tables. Every statement is idempotent; `migrateRegistry()` runs them in
// one transaction under an advisory lock, so concurrent starts of several instances are safe.
//
// - `slugs`: every slug ever taken, with its tenant. Never deleted: a freed slug is never reused,
//   and its primary key makes one of two concurrent creations of a slug fail.
// - `tenants`: the current record of every tenant, a read model of the platform-owned streams
//   `tenant-<id>`, written in the transaction that appends their events; plus the controller's
//   bookkeeping (deletion requested, purge progress, retry schedule).
// - `api_keys`: per-tenant API keys, the secret's SHA-256 only.
// - `storage_owners`: what each service that owns per-tenant storage reported for a tenant on
//   `tenants.storage` (provisioned, purged; ADR 0031). The controller activates a draft once every
//   owner reported it provisioned, and records a deletion once every owner reported it purged.

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const DEFAULT_REGISTRY_SCHEMA = 'registry';

export function assertRegistrySchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must match ${String(SCHEMA_NAME)}; got ${JSON.stringify(schema)}`);
  }
  return schema;
}

export const migrationLockKey = (schema: string): string => `registry:migrate:${schema}`;

export function registryDdl(schema: string): string {
  const name = assertRegistrySchema(schema);
  const s = `"${name}"`;
  return `
create schema if not exists ${s};

create table if not exists ${s}.slugs (
  slug        text        primary key,
  tenant_id   uuid        not null,
  reserved_at timestamptz not null default now()
);

${legacyTableDdl(s, name)}

create table if not exists ${s}.tenants (
  id                    uuid        primary key,
  slug                  text        not null unique references ${s}.slugs (slug),
  name                  text        not null,
  status                text        not null,
  plan                  text        not null,
  isolation             text        not null,
  region                text        not null,
  version               int         not null,
  manifest_version      int         not null default 0,
  manifest_hash         text,
  conditions            jsonb       not null default '[]',
  created_at            timestamptz not null,
  updated_at            timestamptz not null,
  deletion_requested_at timestamptz,
  deletion_completed_at timestamptz,
  deletion_requested_by jsonb,
  purge_report          jsonb       not null default '{}',
  reconcile_attempts    int         not null default 0,
  next_reconcile_at     timestamptz
);

create index if not exists tenants_page_idx on ${s}.tenants (created_at desc, id desc);
create index if not exists tenants_status_page_idx on ${s}.tenants (status, created_at desc, id desc);
create index if not exists tenants_work_idx on ${s}.tenants (next_reconcile_at)
  where status = 'draft' or (deletion_requested_at is not null and deletion_completed_at is null);

create table if not exists ${s}.api_keys (
  key_id      text        primary key,
  tenant_id   uuid        not null,
  name        text        not null,
  roles       text[]      not null,
  secret_hash text        not null check (secret_hash ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz not null,
  revoked_at  timestamptz
);

create index if not exists api_keys_tenant_idx on ${s}.api_keys (tenant_id, created_at);

create table if not exists ${s}.storage_owners (
  tenant_id      uuid        not null,
  owner          text        not null,
  provisioned_at timestamptz,
  provisioned    text,
  purged_at      timestamptz,
  purged         text,
  purged_objects int,
  primary key (tenant_id, owner)
);
`;
}

// The registry before it was event-sourced kept a `tenants` table without manifest columns and no
// stream the current code can load. It is set aside (kept, not dropped) and its slugs reserved.
function legacyTableDdl(s: string, schema: string): string {
  const literal = `'${schema}'`;
  return `
do $legacy$
begin
  if exists (select 1 from information_schema.tables where table_schema = ${literal} and table_name = 'tenants')
     and not exists (select 1 from information_schema.columns
                      where table_schema = ${literal} and table_name = 'tenants' and column_name = 'manifest_version') then
    alter table ${s}.tenants rename to tenants_legacy_v0;
    alter index if exists ${s}.tenants_pkey rename to tenants_legacy_v0_pkey;
    alter index if exists ${s}.tenants_slug_key rename to tenants_legacy_v0_slug_key;
    insert into ${s}.slugs (slug, tenant_id) select slug, id from ${s}.tenants_legacy_v0 on conflict do nothing;
  end if;
end
$legacy$;`;
}
