import { types, type Client } from 'cassandra-driver';
import type { Rule, RuleChange, StoredRule } from '@marquee/domain';
import { rowStream } from './client';

/** Every rule, deleted ones included, and the version of the whole set. */
export interface RuleSet {
  /** Rules in force (not deleted). */
  rules: StoredRule[];
  /** Changes made to the set so far: the sum of every rule's version, deleted ones included. */
  version: number;
}

/** What a write did: the rule's version after it, and whether it made a new one. */
export interface RuleWrite {
  version: number;
  changed: boolean;
}

interface CurrentRow {
  version: number;
  rule: string;
  deleted: boolean;
  actor: string;
  updatedAt: Date;
}

/** Writers that lost a race for the same rule try again this often before giving up. */
const WRITE_ATTEMPTS = 5;

/**
 * Merchandising rules: the current rule per id and an append-only history of every change (who,
 * when, the previous version). A version is claimed with a lightweight transaction, so two operators
 * writing one rule at once never share a version; writing the rule it already holds is a no-op.
 */
export class RulesRepository {
  constructor(private readonly client: Client) {}

  async all(): Promise<RuleSet> {
    const rules: StoredRule[] = [];
    let version = 0;
    for await (const row of rowStream(
      this.client,
      'SELECT rule_id, version, rule, deleted, actor, updated_at FROM merchandising_rules',
      [],
      { prepare: true, fetchSize: 1000 },
    )) {
      const current = toCurrent(row);
      version += current.version;
      if (!current.deleted) rules.push(toStored(row['rule_id'] as string, current));
    }
    rules.sort((a, b) => a.id.localeCompare(b.id));
    return { rules, version };
  }

  /** The rule in force under `id`, or null (never written, or deleted). */
  async get(id: string): Promise<StoredRule | null> {
    const current = await this.current(id);
    return current && !current.deleted ? toStored(id, current) : null;
  }

  /** Writes `rule` under `id` as a new version, unless it is the rule already in force. */
  async put(id: string, rule: Rule, actor: string, at = new Date()): Promise<RuleWrite> {
    const json = JSON.stringify(rule);
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const current = await this.current(id);
      if (current && !current.deleted && current.rule === json) {
        // A retry of a write whose history row may not have landed: written again, identically.
        await this.record(id, 'put', current);
        return { version: current.version, changed: false };
      }
      const next: CurrentRow = {
        version: (current?.version ?? 0) + 1,
        rule: json,
        deleted: false,
        actor,
        updatedAt: at,
      };
      if (await this.claim(id, current, next)) {
        await this.record(id, 'put', next);
        return { version: next.version, changed: true };
      }
    }
    throw new Error(`rule ${id}: other writers kept changing it; try again`);
  }

  /** Deletes the rule under `id` as a new version; null when there is none in force. */
  async delete(id: string, actor: string, at = new Date()): Promise<RuleWrite | null> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const current = await this.current(id);
      if (!current) return null;
      if (current.deleted) {
        await this.record(id, 'delete', current);
        return { version: current.version, changed: false };
      }
      const next: CurrentRow = {
        ...current,
        version: current.version + 1,
        deleted: true,
        actor,
        updatedAt: at,
      };
      if (await this.claim(id, current, next)) {
        await this.record(id, 'delete', next);
        return { version: next.version, changed: true };
      }
    }
    throw new Error(`rule ${id}: other writers kept changing it; try again`);
  }

  /** The rule's changes, newest first. */
  async history(id: string, limit = 100): Promise<RuleChange[]> {
    const result = await this.client.execute(
      'SELECT version, action, rule, actor, at, previous_version FROM merchandising_rule_history WHERE rule_id = ? LIMIT ?',
      [id, limit],
      { prepare: true },
    );
    return result.rows.map((row) => ({
      id,
      version: row['version'] as number,
      action: row['action'] as 'put' | 'delete',
      rule: row['rule'] ? (JSON.parse(row['rule'] as string) as Rule) : null,
      actor: row['actor'] as string,
      at: (row['at'] as Date).toISOString(),
      previousVersion: (row['previous_version'] as number | null) ?? null,
    }));
  }

  private async current(id: string): Promise<CurrentRow | null> {
    const result = await this.client.execute(
      'SELECT version, rule, deleted, actor, updated_at FROM merchandising_rules WHERE rule_id = ?',
      [id],
      // Serial reads see the last claimed version even right after another writer's transaction.
      { prepare: true, consistency: types.consistencies.localSerial },
    );
    const row = result.first();
    return row ? toCurrent(row as unknown as Record<string, unknown>) : null;
  }

  /** Writes `next` only if the rule is still at `current`'s version. */
  private async claim(id: string, current: CurrentRow | null, next: CurrentRow): Promise<boolean> {
    const values = [next.version, next.rule, next.deleted, next.actor, next.updatedAt];
    const result = current
      ? await this.client.execute(
          'UPDATE merchandising_rules SET version = ?, rule = ?, deleted = ?, actor = ?, updated_at = ? WHERE rule_id = ? IF version = ?',
          [...values, id, current.version],
          { prepare: true },
        )
      : await this.client.execute(
          'INSERT INTO merchandising_rules (version, rule, deleted, actor, updated_at, rule_id) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS',
          [...values, id],
          { prepare: true },
        );
    return result.wasApplied();
  }

  /** The history row of a version: derived from the version alone, so writing it twice is harmless. */
  private async record(id: string, action: 'put' | 'delete', row: CurrentRow): Promise<void> {
    await this.client.execute(
      'INSERT INTO merchandising_rule_history (rule_id, version, action, rule, actor, at, previous_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, row.version, action, row.rule, row.actor, row.updatedAt, row.version > 1 ? row.version - 1 : null],
      { prepare: true },
    );
  }
}

function toCurrent(row: Record<string, unknown>): CurrentRow {
  return {
    version: row['version'] as number,
    rule: row['rule'] as string,
    deleted: (row['deleted'] as boolean | null) === true,
    actor: (row['actor'] as string | null) ?? '',
    updatedAt: row['updated_at'] as Date,
  };
}

function toStored(id: string, current: CurrentRow): StoredRule {
  return {
    id,
    version: current.version,
    rule: JSON.parse(current.rule) as Rule,
    actor: current.actor,
    updatedAt: current.updatedAt.toISOString(),
  };
}
