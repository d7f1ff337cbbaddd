// Row-level security for the shared mode (ADR 0005). The policy lets a session see and write only the
// rows of the tenant in `app.tenant_id`, which the adapter sets per transaction
// (`set_config('app.tenant_id', <tenant>, true)`). Without the setting a session sees nothing.
// Table owners, superusers and BYPASSRLS roles are not subject to it: that is the system path
// (migrations, the relay, cross-tenant exports).

export const TENANT_TABLES = ['streams', 'events', 'snapshots'] as const;

/** The tenant a session acts for; `null` (nothing visible) when unset or empty. */
const CURRENT_TENANT = `nullif(current_setting('app.tenant_id', true), '')::uuid`;

const quoted = (sql: string): string => `'${sql.replaceAll("'", "''")}'`;

/**
 * `schema` must be a name `assertSchemaName` accepted.
 *
 * Creates the `tenant_isolation` policy on each tenant table (harmless while RLS is off), and with
 * `enable` switches RLS on. Never switches it off: a store started without the option (a system
 * process) must not undo what the tenant-facing services rely on.
 */
export function rowLevelSecurityDdl(schema: string, enable: boolean): string {
  const tables = TENANT_TABLES.map((table) => `'${table}'`).join(', ');
  return `
do $rls$
declare
  v_table text;
begin
  foreach v_table in array array[${tables}] loop
    if not exists (select 1 from pg_policies
                    where schemaname = '${schema}' and tablename = v_table and policyname = 'tenant_isolation') then
      execute format(
        'create policy tenant_isolation on %I.%I using (tenant_id = %s) with check (tenant_id = %s)',
        '${schema}', v_table, ${quoted(CURRENT_TENANT)}, ${quoted(CURRENT_TENANT)});
    end if;
    if ${enable ? 'true' : 'false'} and not (select c.relrowsecurity from pg_class c
                                             where c.oid = format('%I.%I', '${schema}', v_table)::regclass) then
      execute format('alter table %I.%I enable row level security', '${schema}', v_table);
    end if;
  end loop;
end
$rls$;
`;
}
