import { Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { MarqueeConfig } from '@marquee/config';
import { connectTemporal, describeRun, listRuns } from '@marquee/offline-client';
import { ListsRepository, ModelsRepository, RegistrationsRepository } from '@marquee/storage';
import { CONFIG } from '../tokens';

/**
 * Operators' views: Temporal runs (connected on first use, so the service starts and serves pages
 * while Temporal is down) and the model registry.
 */
@Injectable()
export class AdminService {
  private temporal: Promise<{ client: Client; close: () => Promise<void> }> | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: MarqueeConfig,
    private readonly registrations: RegistrationsRepository,
    private readonly models: ModelsRepository,
    private readonly lists: ListsRepository,
  ) {}

  async runs(options: { type?: string; limit: number }) {
    const client = await this.client();
    return { runs: await this.temporalCall(() => listRuns(client, options)) };
  }

  async run(workflowId: string) {
    const client = await this.client();
    return this.temporalCall(() => describeRun(client, workflowId), workflowId);
  }

  /** Registrations (the experiment's variants) with their model versions and list champions. */
  async registry(limit: number) {
    const registrations = await this.registrations.list();
    return {
      registrations: await Promise.all(
        registrations.map(async (registration) => {
          const [models, champion] = await Promise.all([
            this.models.list(registration.name, limit),
            this.lists.champion(registration.name),
          ]);
          return { ...registration, champion, models };
        }),
      ),
    };
  }

  async close(): Promise<void> {
    const temporal = await this.temporal?.catch(() => null);
    await temporal?.close().catch(() => undefined);
  }

  private async client(): Promise<Client> {
    this.temporal ??= connectTemporal(this.config);
    try {
      return (await this.temporal).client;
    } catch (error) {
      this.temporal = null;
      throw new ServiceUnavailableException(
        `Temporal at ${this.config.temporal.address} is unreachable (${(error as Error).message}); see marquee stack status`,
      );
    }
  }

  private async temporalCall<T>(call: () => Promise<T>, workflowId?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const name = (error as Error).name;
      if (workflowId && (name === 'WorkflowNotFoundError' || /not found/i.test((error as Error).message)))
        throw new NotFoundException(
          `no workflow run ${workflowId} in namespace ${this.config.temporal.namespace}`,
        );
      throw new ServiceUnavailableException(`Temporal did not answer: ${(error as Error).message}`);
    }
  }
}
