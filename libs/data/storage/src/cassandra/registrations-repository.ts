import type { Client } from 'cassandra-driver';

/** How a registration's pipeline searches params before training. */
export interface TuneRequest {
  /** Trials drawn from the algorithm's search space. */
  trials: number;
  /** Seeds the trials' params, so a search repeats. */
  seed: number;
}

/** An experimenter's registered algorithm: what to train, how often, and its share of traffic. */
export interface Registration {
  name: string;
  algorithm: string;
  params: Record<string, unknown>;
  schedule: string;
  traffic: number;
  k: number;
  gateMetric: string;
  gateTolerance: number;
  /** Hyperparameter search before training, when asked for (`--tune`). */
  tune?: TuneRequest | null;
  /** Runs between searches; without it a retrain reuses the last best params. */
  retuneEvery?: number | null;
  createdAt: Date;
  updatedAt: Date;
}

function toRegistration(row: Record<string, unknown>): Registration {
  return {
    name: row['name'] as string,
    algorithm: row['algorithm'] as string,
    params: JSON.parse((row['params'] as string | null) ?? '{}') as Record<string, unknown>,
    schedule: row['schedule'] as string,
    traffic: row['traffic'] as number,
    k: row['k'] as number,
    gateMetric: row['gate_metric'] as string,
    gateTolerance: row['gate_tolerance'] as number,
    tune: row['tune'] ? (JSON.parse(row['tune'] as string) as TuneRequest) : null,
    retuneEvery: (row['retune_every'] as number | null) ?? null,
    createdAt: row['created_at'] as Date,
    updatedAt: row['updated_at'] as Date,
  };
}

export class RegistrationsRepository {
  constructor(private readonly client: Client) {}

  async save(registration: Registration): Promise<void> {
    await this.client.execute(
      `INSERT INTO registrations (name, algorithm, params, schedule, traffic, k, gate_metric, gate_tolerance, tune, retune_every,
         created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        registration.name,
        registration.algorithm,
        JSON.stringify(registration.params),
        registration.schedule,
        registration.traffic,
        registration.k,
        registration.gateMetric,
        registration.gateTolerance,
        registration.tune ? JSON.stringify(registration.tune) : null,
        registration.retuneEvery ?? null,
        registration.createdAt,
        registration.updatedAt,
      ],
      { prepare: true },
    );
  }

  async get(name: string): Promise<Registration | null> {
    const row = (
      await this.client.execute('SELECT * FROM registrations WHERE name = ?', [name], { prepare: true })
    ).first();
    return row ? toRegistration(row as unknown as Record<string, unknown>) : null;
  }

  async list(): Promise<Registration[]> {
    const result = await this.client.execute('SELECT * FROM registrations', [], { prepare: true });
    return result.rows
      .map((row) => toRegistration(row as unknown as Record<string, unknown>))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(name: string): Promise<void> {
    await this.client.execute('DELETE FROM registrations WHERE name = ?', [name], { prepare: true });
  }
}
