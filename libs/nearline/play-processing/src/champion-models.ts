import { getAlgorithm, type AnyAlgorithm, type ItemKnnModel, type TrainedModel } from '@marquee/algorithms';
import type {
  BlobStore,
  ListsRepository,
  ModelsRepository,
  Registration,
  RegistrationsRepository,
} from '@marquee/storage';
import type { Logger } from '@marquee/observability';

/** A model whose titles have factors: the member's vector is folded in against them (ALS). */
export interface FactorModel extends TrainedModel {
  factors: number;
  /** titles × factors, row-major. */
  itemFactors: Float32Array;
}

/** The champion of a registration whose algorithm folds a member in (Top picks). */
export interface FoldInChampion {
  kind: 'fold-in';
  registration: string;
  version: string;
  algorithm: AnyAlgorithm;
  k: number;
  model: FactorModel;
  itemIndex: ReadonlyMap<string, number>;
  /** The latest play in the model's training snapshot (ms since epoch). */
  dataUntil: number;
}

/** The champion item-to-item model ("Because you watched"). */
export interface NeighbourChampion {
  kind: 'neighbours';
  registration: string;
  version: string;
  model: ItemKnnModel;
  itemIndex: ReadonlyMap<string, number>;
}

/** What one play is processed against: an immutable snapshot, swapped whole on a version switch. */
export interface ModelSet {
  foldIn: readonly FoldInChampion[];
  neighbours: NeighbourChampion | null;
}

export interface ModelSwitch {
  registration: string;
  from: string | null;
  to: string;
  kind: 'fold-in' | 'neighbours';
  dataUntil: number;
}

export interface ChampionModelsDeps {
  registrations: RegistrationsRepository;
  lists: ListsRepository;
  models: ModelsRepository;
  blobs: BlobStore;
  logger: Logger;
  /** The item-kNN registration for "Because you watched"; by default the first with a champion. */
  neighboursRegistration?: string;
}

type Champion = FoldInChampion | NeighbourChampion;

function isFactorModel(model: TrainedModel): model is FactorModel {
  const m = model as Partial<FactorModel>;
  return (
    m.itemFactors instanceof Float32Array &&
    typeof m.factors === 'number' &&
    m.itemFactors.length === model.itemIds.length * m.factors
  );
}

const ITEM_KNN = 'item-knn';

const indexOf = (itemIds: readonly string[]) => new Map(itemIds.map((id, i) => [id, i]));

/**
 * The champion models nearline folds plays into: for every registration whose algorithm has
 * `foldIn` (ALS), its champion version's factors; and the champion item-kNN model's neighbours.
 * The champion pointer (list_champions) is the truth, so a publish and a rollback look alike (an
 * item-kNN registration without a list falls back to the model registry's champion).
 * `refresh` loads what changed and swaps the set in one assignment; a play in flight keeps the set
 * it started with, so each play is processed against exactly one version.
 */
export class ChampionModels {
  private set: ModelSet = { foldIn: [], neighbours: null };
  /** Loaded champions by artifact id, so an unchanged version is not loaded again. */
  private readonly byArtifact = new Map<string, Champion>();
  private refreshing: Promise<ModelSwitch[]> = Promise.resolve([]);

  constructor(private readonly deps: ChampionModelsDeps) {}

  current(): ModelSet {
    return this.set;
  }

  /** Reloads champions from the registry (one refresh at a time); returns the registrations that switched. */
  refresh(): Promise<ModelSwitch[]> {
    this.refreshing = this.refreshing.catch(() => []).then(() => this.load());
    return this.refreshing;
  }

  private async load(): Promise<ModelSwitch[]> {
    const registrations = await this.deps.registrations.list();
    const loaded = await Promise.all(
      registrations.filter((r) => r.algorithm !== ITEM_KNN).map((r) => this.championOf(r)),
    );
    const foldIn = loaded.filter((c): c is FoldInChampion => c?.kind === 'fold-in');
    // The item-kNN model the online service serves similar titles from too: the registration
    // named, else the first (by name) with a champion. Only that one is loaded.
    let neighbours: NeighbourChampion | null = null;
    for (const r of registrations) {
      if (r.algorithm !== ITEM_KNN) continue;
      if (this.deps.neighboursRegistration && r.name !== this.deps.neighboursRegistration) continue;
      const champion = await this.championOf(r);
      if (champion?.kind === 'neighbours') {
        neighbours = champion;
        break;
      }
    }
    const champions: Champion[] = [...foldIn, ...(neighbours ? [neighbours] : [])];
    const previous = this.set;
    const before = new Map<string, string>(
      [...previous.foldIn, ...(previous.neighbours ? [previous.neighbours] : [])].map((c) => [
        `${c.kind}:${c.registration}`,
        c.version,
      ]),
    );
    const switches: ModelSwitch[] = [];
    for (const c of champions) {
      const from = before.get(`${c.kind}:${c.registration}`) ?? null;
      if (from === c.version) continue;
      switches.push({
        registration: c.registration,
        from,
        to: c.version,
        kind: c.kind,
        dataUntil: c.kind === 'fold-in' ? c.dataUntil : 0,
      });
    }
    this.set = { foldIn, neighbours };
    const live = new Set(champions.map((c) => `${c.registration}:${c.version}`));
    for (const [artifact, c] of this.byArtifact)
      if (!live.has(`${c.registration}:${c.version}`)) this.byArtifact.delete(artifact);
    return switches;
  }

  /** The loaded champion of one registration, or null when it has none nearline can use. */
  private async championOf(registration: Registration): Promise<Champion | null> {
    let algorithm: AnyAlgorithm;
    try {
      algorithm = getAlgorithm(registration.algorithm);
    } catch {
      return null;
    }
    const neighbours = algorithm.name === ITEM_KNN;
    if (!algorithm.foldIn && !neighbours) return null;
    const pointer = await this.deps.lists.champion(registration.name);
    // Top picks are written under the list's champion version, so fold-in needs the pointer; the
    // neighbours only need a champion model (the registry's status, as the online service reads it).
    const record = pointer
      ? await this.deps.models.get(registration.name, pointer.version)
      : neighbours
        ? ((await this.deps.models.list(registration.name, 50)).find((m) => m.status === 'champion') ?? null)
        : null;
    if (!record) return null;
    if (!record.artifact) {
      this.deps.logger.warn(
        { registration: registration.name, version: record.version },
        'champion version has no model artifact; nearline keeps the previous one',
      );
      return this.previousChampion(registration.name, neighbours ? 'neighbours' : 'fold-in');
    }
    const cached = this.byArtifact.get(record.artifact);
    if (cached) return cached;
    try {
      const model = algorithm.deserialize(await this.deps.blobs.get(record.artifact)) as TrainedModel;
      let champion: Champion;
      if (neighbours) {
        champion = {
          kind: 'neighbours',
          registration: registration.name,
          version: record.version,
          model: model as ItemKnnModel,
          itemIndex: indexOf(model.itemIds),
        };
      } else {
        if (!isFactorModel(model))
          throw new Error(`${algorithm.name} model has no title factors to fold a member in against`);
        const until = Date.parse(record.dataWindow.to);
        champion = {
          kind: 'fold-in',
          registration: registration.name,
          version: record.version,
          algorithm,
          k: registration.k,
          model,
          itemIndex: indexOf(model.itemIds),
          dataUntil: Number.isFinite(until) ? until : 0,
        };
      }
      this.byArtifact.set(record.artifact, champion);
      this.deps.logger.info(
        { registration: registration.name, version: record.version, titles: model.itemIds.length },
        'champion model loaded',
      );
      return champion;
    } catch (error) {
      this.deps.logger.error(
        { registration: registration.name, artifact: record.artifact, error: (error as Error).message },
        'could not load the champion model; nearline keeps the previous one and retries on the next refresh',
      );
      return this.previousChampion(registration.name, neighbours ? 'neighbours' : 'fold-in');
    }
  }

  private previousChampion(registration: string, kind: Champion['kind']): Champion | null {
    if (kind === 'neighbours')
      return this.set.neighbours?.registration === registration ? this.set.neighbours : null;
    return this.set.foldIn.find((c) => c.registration === registration) ?? null;
  }
}
