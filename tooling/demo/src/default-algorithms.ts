import type { Client } from '@temporalio/client';
import {
  TRAINING_PIPELINE,
  registerAlgorithm,
  type RegistrationInput,
  type TrainingPipelineInput,
  type TrainingPipelineResult,
} from '@marquee/offline-client';
import type { ListsRepository, RegistrationsRepository } from '@marquee/storage';

/**
 * What a new platform serves personal rows with: EASE for Top picks (every member's share of traffic
 * that no other registration holds) and item-kNN for Because you watched (no traffic: it serves the
 * similar-titles model, not a Top picks list), next to the popularity pipeline's lists.
 */
export const DEFAULT_ALGORITHMS = {
  topPicks: {
    name: 'top-picks-ease',
    algorithm: 'ease',
    // λ 400 scores best of 50/200/400 on the synthetic set `marquee eval --data synthetic` uses (nDCG@10
    // 0.353); the catalog bound keeps a retraining under a minute on two cores (35 s at 4,000 titles)
    // instead of the default's 7.5 minutes at 8,000.
    params: { lambda: 400, maxItems: 4000 },
    schedule: '6h',
    k: 100,
  },
  becauseYouWatched: {
    name: 'similar-item-knn',
    algorithm: 'item-knn',
    // More neighbours per title than the default, shrunk harder toward zero, so titles with few
    // plays in common do not rank as most similar (nDCG@10 0.345 against 0.344 on the synthetic set).
    params: { neighbours: 100, shrinkage: 25 },
    schedule: '6h',
    traffic: 0,
  },
} as const satisfies Record<string, Omit<RegistrationInput, 'traffic'> & { traffic?: number }>;

export interface DefaultAlgorithmsDeps {
  registrations: RegistrationsRepository;
  lists: ListsRepository;
  temporal: Client;
  taskQueue: string;
}

/**
 * Registers the default algorithms that are not registered yet; a registration of the same name is
 * left as its experimenter set it. Returns the names registered now.
 */
export async function registerDefaultAlgorithms(deps: DefaultAlgorithmsDeps): Promise<string[]> {
  const existing = await deps.registrations.list();
  const names = new Set(existing.map((r) => r.name));
  const registered: string[] = [];
  const { becauseYouWatched, topPicks } = DEFAULT_ALGORITHMS;
  if (!names.has(becauseYouWatched.name)) {
    await registerAlgorithm(deps, { ...becauseYouWatched, params: { ...becauseYouWatched.params } });
    registered.push(becauseYouWatched.name);
  }
  if (!names.has(topPicks.name)) {
    const taken = existing.reduce((sum, r) => sum + r.traffic, 0);
    const traffic = Math.max(0, Math.round((1 - taken) * 1000) / 1000);
    await registerAlgorithm(deps, { ...topPicks, params: { ...topPicks.params }, traffic });
    registered.push(topPicks.name);
  }
  return registered;
}

/**
 * Runs the training pipeline of each default algorithm that has no champion yet (a platform that
 * already serves them retrains on their schedules), all at once; resolves with their results.
 */
export async function trainDefaultAlgorithms(
  deps: DefaultAlgorithmsDeps,
  log: (line: string) => void,
): Promise<TrainingPipelineResult[]> {
  const names = [DEFAULT_ALGORITHMS.topPicks.name, DEFAULT_ALGORITHMS.becauseYouWatched.name];
  const untrained = [];
  for (const name of names) if (!(await deps.lists.champion(name))) untrained.push(name);
  return Promise.all(
    untrained.map(async (name) => {
      const registration = await deps.registrations.get(name);
      const input: TrainingPipelineInput = { registration: name, k: registration?.k ?? 100 };
      const workflowId = `train-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const handle = await deps.temporal.workflow.start(TRAINING_PIPELINE, {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [input],
      });
      log(`workflow ${workflowId} started`);
      const result = (await handle.result()) as TrainingPipelineResult;
      log(
        `workflow ${workflowId}: ${result.published ? 'published' : 'not published'} ${result.version} (${result.gate.reason})`,
      );
      return result;
    }),
  );
}
