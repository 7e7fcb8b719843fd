import { z } from 'zod';
import type { Algorithm, Recommendations, TrainedModel } from './algorithm';
import type { InteractionMatrix } from './matrix';
import { packArtifact, unpackArtifact } from './serialization';
import { recommendEach } from './top-k';

export const popularityParams = z
  .object({
    /** 0 disables decay (plain counts); otherwise a member's play loses half its weight every halfLifeDays. */
    halfLifeDays: z.number().min(0).max(3650).default(0),
    /** Scores are decayed relative to this instant (ms); defaults to the newest interaction. */
    asOf: z.number().optional(),
  })
  .strict();

export type PopularityParams = z.infer<typeof popularityParams>;

export interface PopularityModel extends TrainedModel {
  scores: Float32Array;
}

/**
 * Popularity (halfLifeDays = 0) and trending (a short half-life): each (member, title) pair counts
 * once, weighted 2^(-age / halfLife) by the member's latest play of it.
 */
export const popularity: Algorithm<PopularityParams, PopularityModel> = {
  name: 'popularity',
  description: 'most played titles, optionally time-decayed (trending)',
  params: popularityParams,

  async train(data: InteractionMatrix, params: PopularityParams, context = {}) {
    const scores = new Float32Array(data.numItems);
    let asOf = params.asOf;
    if (params.halfLifeDays > 0 && asOf === undefined) {
      asOf = 0;
      if (data.times) for (const t of data.times) asOf = Math.max(asOf, t);
    }
    const halfLifeMs = params.halfLifeDays * 24 * 3600 * 1000;
    for (let p = 0; p < data.indices.length; p++) {
      const item = data.indices[p] as number;
      const weight =
        halfLifeMs > 0 && data.times
          ? Math.pow(2, -Math.max(0, (asOf as number) - (data.times[p] as number)) / halfLifeMs)
          : 1;
      scores[item] = (scores[item] as number) + weight;
    }
    context.onProgress?.({ step: 'count', done: 1, total: 1 });
    return { algorithm: 'popularity', userIds: data.userIds, itemIds: data.itemIds, scores };
  },

  recommend(model: PopularityModel, seen: InteractionMatrix, users: Int32Array, k: number): Recommendations {
    return recommendEach('popularity', seen, users, k, model.scores.length, (_u, row) =>
      row.set(model.scores),
    );
  },

  serialize(model: PopularityModel): Uint8Array {
    return packArtifact(
      { algorithm: model.algorithm, userIds: model.userIds, itemIds: model.itemIds },
      { scores: model.scores },
    );
  },

  deserialize(bytes: Uint8Array): PopularityModel {
    const { header, arrays } = unpackArtifact(bytes);
    return {
      algorithm: 'popularity',
      userIds: header['userIds'] as string[],
      itemIds: header['itemIds'] as string[],
      scores: arrays['scores'] as Float32Array,
    };
  },
};
