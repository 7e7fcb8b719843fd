import { buildMatrix, getAlgorithm } from '@marquee/algorithms';
import { mintToken, type Role } from '@marquee/auth';
import { GLOBAL_MEMBER, ListStore } from '@marquee/storage';
import type { CatalogItem, Play } from '@marquee/domain';
import { uniqueId, type connectTestPlatform } from '@marquee/testkit';
import type { OnlineAppSettings } from './app';

/** The clients the tests seed the stores with and check them through. */
export type TestPlatform = Awaited<ReturnType<typeof connectTestPlatform>>;

/** What the online tests seed: their own titles, popular version, variant list and item-kNN model. */
export interface OnlineFixture {
  titles: CatalogItem[];
  popularVersion: string;
  /** The variant every member is assigned to in these tests (see `loadVariants`). */
  variant: string;
  variantVersion: string;
  /** A member with an entry in the variant's list. */
  member: string;
  personalList: string[];
  similarRegistration: string;
  modelVersion: string;
}

const GENRES = ['Drama', 'Comedy', 'Thriller'];

/** Publishes a list version as the pipelines do: entries, champion pointer, hot copies. */
async function publish(
  platform: TestPlatform,
  list: string,
  version: string,
  memberId: string,
  itemIds: string[],
) {
  const entry = { itemIds, scores: itemIds.map((_, i) => Math.round((1 - i / 20) * 1000) / 1000) };
  const lists = new ListStore(platform.lists, platform.cache);
  await lists.writeEntries(list, version, [{ memberId, list: entry }]);
  await lists.switchChampion(list, version, 'online test');
}

/** Trains an item-kNN model in which titles 1-3 go together, and 4-6; stores it as a champion. */
export async function storeItemKnnModel(
  platform: TestPlatform,
  registration: string,
  version: string,
  groups: string[][],
): Promise<void> {
  const interactions = groups.flatMap((group, g) =>
    Array.from({ length: 6 }, (_, m) => group.map((itemId) => ({ userId: `u${g}-${m}`, itemId }))).flat(),
  );
  const algorithm = getAlgorithm('item-knn');
  const model = await algorithm.train(buildMatrix(interactions), algorithm.params.parse({ shrinkage: 0 }));
  const artifact = `model:${registration}:${version}`;
  await platform.blobs.put(artifact, 'model/item-knn', algorithm.serialize(model), 3600);
  const now = new Date();
  const previous = (await platform.models.list(registration)).find((m) => m.status === 'champion');
  if (previous) await platform.models.update(registration, previous.version, { status: 'retired' });
  await platform.models.save({
    registration,
    version,
    algorithm: 'item-knn',
    params: {},
    dataWindow: { from: now.toISOString(), to: now.toISOString(), members: 12, items: 6, interactions: 36 },
    metrics: {},
    artifact,
    status: 'champion',
    reason: 'online test',
    workflowId: 'online-test',
    createdAt: now,
    updatedAt: now,
  });
}

export async function seedOnline(platform: TestPlatform): Promise<OnlineFixture> {
  const prefix = uniqueId('t');
  const titles = Array.from({ length: 12 }, (_, i) => ({
    itemId: `${prefix}-${i + 1}`,
    title: `Test Title ${i + 1}`,
    genres: [GENRES[i % GENRES.length] as string],
  }));
  await platform.catalog.upsert(titles);
  const id = (n: number) => `${prefix}-${n}`;
  const popularVersion = uniqueId('vpop-');
  await publish(platform, 'popular', popularVersion, GLOBAL_MEMBER, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(id));
  const variant = uniqueId('als-');
  const variantVersion = uniqueId('vals-');
  const member = uniqueId('m');
  const personalList = [5, 6, 7, 8].map(id);
  await publish(platform, variant, variantVersion, member, personalList);
  const similarRegistration = uniqueId('knn-');
  const modelVersion = uniqueId('vknn-');
  await storeItemKnnModel(platform, similarRegistration, modelVersion, [
    [id(1), id(2), id(3)],
    [id(4), id(5), id(6)],
  ]);
  return {
    titles,
    popularVersion,
    variant,
    variantVersion,
    member,
    personalList,
    similarRegistration,
    modelVersion,
  };
}

/**
 * Options that point the app at the fixture's variant and model instead of the keyspace's
 * registrations. The deadline is generous: tests check what is served, never how fast (reads that
 * are late are covered with fakes in libs/rows, speed by `marquee bench online`).
 */
export function fixtureOptions(fixture: OnlineFixture) {
  return {
    loadVariants: async () => [{ name: fixture.variant, traffic: 1 }],
    similarRegistration: fixture.similarRegistration,
    deadlineMs: 5000,
  };
}

export const token = (platform: TestPlatform, role: Role, memberId?: string, expiresIn = '1h') =>
  mintToken({ role, ...(memberId ? { memberId } : {}) }, platform.config.auth.secret, expiresIn);

export const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

export const play = (member: string, itemId: string, device: Play['device'] = 'mobile'): Play => ({
  eventId: uniqueId('on-'),
  userId: member,
  itemId,
  device,
  timestamp: new Date().toISOString(),
  positionMs: 5 * 60_000,
  durationMs: 50 * 60_000,
});

/** The app over the test keyspace, connecting its own clients except those given (a store that is down). */
export const onlineSettings = (
  platform: TestPlatform,
  registry: OnlineAppSettings['registry'],
  options: OnlineAppSettings['options'] = {},
  clients: OnlineAppSettings['clients'] = {},
): OnlineAppSettings => ({ config: platform.config, logger: platform.logger, registry, options, clients });
