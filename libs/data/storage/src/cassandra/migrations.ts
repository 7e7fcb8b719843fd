import type { Client } from 'cassandra-driver';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Lists expire by TTL; a version older than this is gone unless republished. */
const LIST_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Versioned schema. Tables are designed per query and partitioned by member for everything a page
 * needs. Append new migrations; never edit an applied one.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'plays, continue watching, catalog, versioned lists',
    statements: [
      `CREATE TABLE IF NOT EXISTS plays_by_member (
         member_id text, played_at timestamp, event_id text, item_id text, device text,
         position_ms int, duration_ms int,
         PRIMARY KEY (member_id, played_at, event_id)
       ) WITH CLUSTERING ORDER BY (played_at DESC, event_id ASC)`,
      `CREATE TABLE IF NOT EXISTS continue_watching (
         member_id text, item_id text, position_ms int, duration_ms int, device text, updated_at timestamp,
         PRIMARY KEY (member_id, item_id)
       )`,
      `CREATE TABLE IF NOT EXISTS catalog_items (
         item_id text PRIMARY KEY, title text, genres list<text>, year int
       )`,
      `CREATE TABLE IF NOT EXISTS list_entries (
         list_name text, version text, member_id text, item_ids list<text>, scores list<double>,
         PRIMARY KEY ((list_name, version, member_id))
       ) WITH default_time_to_live = ${LIST_TTL_SECONDS}`,
      `CREATE TABLE IF NOT EXISTS list_versions (
         list_name text, version text, algorithm text, status text, location text,
         members int, items int, checksum text, metrics map<text, double>, workflow_id text,
         created_at timestamp,
         PRIMARY KEY (list_name, version)
       ) WITH CLUSTERING ORDER BY (version DESC)`,
      `CREATE TABLE IF NOT EXISTS list_champions (
         list_name text PRIMARY KEY, version text, previous_version text, announced_at timestamp
       )`,
      `CREATE TABLE IF NOT EXISTS list_champion_history (
         list_name text, announced_at timestamp, version text, reason text,
         PRIMARY KEY (list_name, announced_at)
       ) WITH CLUSTERING ORDER BY (announced_at DESC)`,
    ],
  },
  {
    version: 2,
    name: 'model registry, algorithm registrations, chunked blobs',
    statements: [
      `CREATE TABLE IF NOT EXISTS blobs (
         blob_id text, chunk int, data blob,
         PRIMARY KEY (blob_id, chunk)
       )`,
      `CREATE TABLE IF NOT EXISTS blob_meta (
         blob_id text PRIMARY KEY, kind text, chunks int, bytes bigint, sha256 text, created_at timestamp
       )`,
      `CREATE TABLE IF NOT EXISTS models (
         registration text, version text, algorithm text, params text, data_window text,
         metrics map<text, double>, artifact text, status text, reason text, workflow_id text,
         created_at timestamp, updated_at timestamp,
         PRIMARY KEY (registration, version)
       ) WITH CLUSTERING ORDER BY (version DESC)`,
      `CREATE TABLE IF NOT EXISTS registrations (
         name text PRIMARY KEY, algorithm text, params text, schedule text, traffic double, k int,
         gate_metric text, gate_tolerance double, created_at timestamp, updated_at timestamp
       )`,
    ],
  },
  {
    version: 3,
    name: 'nearline signals: trending buckets, because you watched, processed events',
    statements: [
      `CREATE TABLE IF NOT EXISTS trending_buckets (
         scope text, bucket timestamp, item_id text, plays counter,
         PRIMARY KEY ((scope, bucket), item_id)
       )`,
      `CREATE TABLE IF NOT EXISTS trending_counted (
         event_id text PRIMARY KEY
       ) WITH default_time_to_live = 172800`,
      `CREATE TABLE IF NOT EXISTS because_you_watched (
         member_id text PRIMARY KEY, source_item_id text, item_ids list<text>, scores list<double>,
         model_version text, updated_at timestamp
       )`,
    ],
  },
  {
    version: 4,
    name: 'genre affinities by device and hour of day, versioned (offline data for online re-ranking)',
    statements: [
      `CREATE TABLE IF NOT EXISTS genre_affinities (
         version text, dimension text, context text, genre text, plays double, lift double,
         PRIMARY KEY ((version), dimension, context, genre)
       ) WITH default_time_to_live = ${LIST_TTL_SECONDS}`,
    ],
  },
  {
    version: 5,
    name: 'nearline: plays processed by event id (dedupe)',
    statements: [
      // Applied migrations never change. Nearline dedupes by the member's history (PlayDedupe);
      // migration 8 drops this table.
      `CREATE TABLE IF NOT EXISTS plays_processed (
         event_id text PRIMARY KEY, member_id text, item_id text, played_at timestamp
       ) WITH default_time_to_live = 604800`,
    ],
  },
  {
    version: 6,
    name: 'ranked lists as frozen columns (one cell per list instead of two per title)',
    statements: [
      // A non-frozen list stores every element as its own cell behind a tombstone for the old list,
      // which made a rewritten Top picks row the most expensive write nearline does. Readers prefer
      // these columns and fall back to item_ids/scores for rows written before.
      `ALTER TABLE list_entries ADD IF NOT EXISTS (ranked_items frozen<list<text>>, ranked_scores frozen<list<double>>)`,
      `ALTER TABLE because_you_watched ADD IF NOT EXISTS (ranked_items frozen<list<text>>, ranked_scores frozen<list<double>>)`,
    ],
  },
  {
    version: 7,
    name: 'ranked lists as one blob cell (see ranked-list-codec)',
    statements: [
      // Cassandra deserialized and UTF-8 checked every element of a frozen list on each write: most
      // of what a nearline play cost it. Readers prefer this column, then the older ones.
      `ALTER TABLE list_entries ADD IF NOT EXISTS ranked blob`,
      `ALTER TABLE because_you_watched ADD IF NOT EXISTS ranked blob`,
    ],
  },
  {
    version: 8,
    name: 'drop plays_processed (nearline dedupes plays by the recorded history instead)',
    // Nothing writes or reads it any more; a nearline older than that change must be stopped first.
    statements: [`DROP TABLE IF EXISTS plays_processed`],
  },
  {
    version: 9,
    name: 'catalog: maturity rating, availability (regions, window), artwork, removal mark',
    statements: [
      // A removed title keeps its row: plays of it stay history, and readers hide it by removed_at.
      `ALTER TABLE catalog_items ADD IF NOT EXISTS (
         maturity_rating text, regions list<text>, available_from timestamp, available_until timestamp,
         artwork_url text, removed_at timestamp, updated_at timestamp
       )`,
    ],
  },
  {
    version: 10,
    name: 'hyperparameter search: a registration asks for it, a model records its trials',
    statements: [
      `ALTER TABLE registrations ADD IF NOT EXISTS (tune text, retune_every int)`,
      `ALTER TABLE models ADD IF NOT EXISTS tuning text`,
    ],
  },
  {
    version: 11,
    name: 'member profiles: maturity level and home region',
    statements: [
      `CREATE TABLE IF NOT EXISTS member_profiles (
         member_id text PRIMARY KEY, maturity text, region text, updated_at timestamp, updated_by text
       )`,
    ],
  },
  {
    version: 12,
    name: 'merchandising rules: the current rule per id and the audit trail of every change',
    statements: [
      // A deleted rule keeps its row (deleted = true): its version counts on, so the sum of all
      // versions only grows and names the state of the whole rule set.
      `CREATE TABLE IF NOT EXISTS merchandising_rules (
         rule_id text PRIMARY KEY, version int, rule text, deleted boolean, actor text, updated_at timestamp
       )`,
      `CREATE TABLE IF NOT EXISTS merchandising_rule_history (
         rule_id text, version int, action text, rule text, actor text, at timestamp, previous_version int,
         PRIMARY KEY (rule_id, version)
       ) WITH CLUSTERING ORDER BY (version DESC)`,
    ],
  },
];

function keyspaceCql(keyspace: string, replicationFactor: number): string {
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${replicationFactor}}`;
}

/**
 * Creates the keyspace and applies pending migrations in order; safe to run from several processes
 * at once because every statement is IF NOT EXISTS (or IF EXISTS). Returns the versions it applied.
 */
export async function migrate(
  client: Client,
  keyspace: string,
  replicationFactor: number,
  migrations: Migration[] = MIGRATIONS,
): Promise<number[]> {
  await client.execute(keyspaceCql(keyspace, replicationFactor));
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (version int PRIMARY KEY, name text, applied_at timestamp)`,
  );
  const applied = new Set(
    (await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`)).rows.map(
      (row) => row['version'] as number,
    ),
  );
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) {
      // Statements name their tables bare; the keyspace is this run's.
      await client.execute(
        statement.replace(
          /^(\s*(?:CREATE TABLE IF NOT EXISTS|ALTER TABLE|DROP TABLE IF EXISTS)) (\w+)/,
          `$1 ${keyspace}.$2`,
        ),
      );
    }
    await client.execute(
      `INSERT INTO ${keyspace}.schema_migrations (version, name, applied_at) VALUES (?, ?, toTimestamp(now()))`,
      [migration.version, migration.name],
      { prepare: true },
    );
    done.push(migration.version);
  }
  return done;
}
