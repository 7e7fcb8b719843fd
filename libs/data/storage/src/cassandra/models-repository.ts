import type { Client } from 'cassandra-driver';

export type ModelStatus = 'training' | 'candidate' | 'champion' | 'rejected' | 'retired' | 'failed';

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
         workflow_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
