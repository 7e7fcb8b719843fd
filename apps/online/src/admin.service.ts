import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { Platform } from '@marquee/runtime';
import { connectTemporal } from '@marquee/offline-client';

type Pipeline = typeof import('@marquee/offline-client');

/**
 * Operators' views: Temporal runs (connected on first use, so the service starts and serves pages
 * while Temporal is down) and the model registry.
 */
export class AdminService {
  private temporal: Promise<{ client: Client; close: () => Promise<void> }> | null = null;
  private pipeline: Promise<Pipeline> | null = null;

  constructor(private readonly platform: Platform) {}

  async runs(options: { type?: string; limit: number }) {
    const [{ listRuns }, client] = await Promise.all([this.pipelineLib(), this.client()]);
    return { runs: await this.temporalCall(() => listRuns(client, options)) };
  }

  async run(workflowId: string) {
    const [{ describeRun }, client] = await Promise.all([this.pipelineLib(), this.client()]);
    return this.temporalCall(() => describeRun(client, workflowId), workflowId);
  }

  /** Registrations (the experiment's variants) with their model versions and list champions. */
  async models(limit: number) {
    const registrations = await this.platform.registrations.list();
    return {
      registrations: await Promise.all(
        registrations.map(async (registration) => {
          const [models, champion] = await Promise.all([
            this.platform.models.list(registration.name, limit),
            this.platform.lists.champion(registration.name),
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

  // Imported on first use: the pipeline library brings the Temporal worker, which pages never need.
  private pipelineLib(): Promise<Pipeline> {
    this.pipeline ??= import('@marquee/offline-client');
    return this.pipeline;
  }

  private async client(): Promise<Client> {
    this.temporal ??= connectTemporal(this.platform.config);
    try {
      return (await this.temporal).client;
    } catch (error) {
      this.temporal = null;
      throw new ServiceUnavailableException(
        `Temporal at ${this.platform.config.temporal.address} is unreachable (${(error as Error).message}); see marquee stack status`,
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
          `no workflow run ${workflowId} in namespace ${this.platform.config.temporal.namespace}`,
        );
      throw new ServiceUnavailableException(`Temporal did not answer: ${(error as Error).message}`);
    }
  }
}
