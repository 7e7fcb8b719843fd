import type { Client } from 'cassandra-driver';

export type ModelStatus = 'training' | 'candidate' | 'champion' | 'rejected' | 'retired' | 'failed';

/** One trial of a search: params, the share of the budget it trained with, its validation metric. */
export interface TuningTrial {
  params: Record<string, unknown>;
  fraction: number;
  value: number;
  seconds: number;
}

/** How a model's params were chosen: searched now (with its trials) or reused from an earlier search. */
export interface ModelTuning {
  metric: string;
  /** The params the search chose (merged into the model's params). */
  best: Record<string, unknown>;
  /** The best trial's metric on the validation split. */
  validation: number;
  /** Present when this run searched; absent when it reused `reusedFrom`'s choice. */
  trials?: TuningTrial[];
  seconds?: number;
  reusedFrom?: string;
}

export interface ModelRecord {
  registration: string;
  version: string;
  algorithm: string;
  params: Record<string, unknown>;
  dataWindow: { from: string; to: string; members: number; items: number; interactions: number };
  metrics: Record<string, number>;
  artifact: string;
  status: ModelStatus;
  reason: string;
  workflowId: string;
  /** Set when the registration asked for hyperparameter search. */
  tuning?: ModelTuning | null;
  createdAt: Date;
  updatedAt: Date;
}

function toRecord(row: Record<string, unknown>): ModelRecord {
  return {
    registration: row['registration'] as string,
    version: row['version'] as string,
    algorithm: row['algorithm'] as string,
    params: JSON.parse((row['params'] as string | null) ?? '{}') as Record<string, unknown>,
    dataWindow: JSON.parse((row['data_window'] as string | null) ?? '{}') as ModelRecord['dataWindow'],
    metrics: (row['metrics'] as Record<string, number> | null) ?? {},
    artifact: (row['artifact'] as string | null) ?? '',
    status: row['status'] as ModelStatus,
    reason: (row['reason'] as string | null) ?? '',
    workflowId: (row['workflow_id'] as string | null) ?? '',
    tuning: row['tuning'] ? (JSON.parse(row['tuning'] as string) as ModelTuning) : null,
    createdAt: row['created_at'] as Date,
    updatedAt: row['updated_at'] as Date,
  };
}

/** The model registry: every trained model's version, algorithm, params, data window, metrics, artifact and status. */
export class ModelsRepository {
  constructor(private readonly client: Client) {}

  async save(model: ModelRecord): Promise<void> {
    await this.client.execute(
      `INSERT INTO models (registration, version, algorithm, params, data_window, metrics, artifact, status, reason,
         workflow_id, tuning, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        model.registration,
        model.version,
        model.algorithm,
        JSON.stringify(model.params),
        JSON.stringify(model.dataWindow),
        model.metrics,
        model.artifact,
        model.status,
        model.reason,
        model.workflowId,
        model.tuning ? JSON.stringify(model.tuning) : null,
        model.createdAt,
        model.updatedAt,
      ],
      { prepare: true },
    );
  }

  async update(
    registration: string,
    version: string,
    changes: { status?: ModelStatus; reason?: string; metrics?: Record<string, number> },
  ): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const values: unknown[] = [new Date()];
    const columns: Array<[string, unknown]> = [
      ['status', changes.status],
      ['reason', changes.reason],
      ['metrics', changes.metrics],
    ];
    for (const [column, value] of columns) {
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(value);
    }
    await this.client.execute(
      `UPDATE models SET ${sets.join(', ')} WHERE registration = ? AND version = ?`,
      [...values, registration, version],
      {
        prepare: true,
      },
    );
  }

  async get(registration: string, version: string): Promise<ModelRecord | null> {
    const row = (
      await this.client.execute(
        'SELECT * FROM models WHERE registration = ? AND version = ?',
        [registration, version],
        { prepare: true },
      )
    ).first();
    return row ? toRecord(row as unknown as Record<string, unknown>) : null;
  }

  async list(registration: string, limit = 20): Promise<ModelRecord[]> {
    const result = await this.client.execute(
      'SELECT * FROM models WHERE registration = ? LIMIT ?',
      [registration, limit],
      { prepare: true },
    );
    return result.rows.map((row) => toRecord(row as unknown as Record<string, unknown>));
  }
}
