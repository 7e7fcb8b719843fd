import { createPopularityActivities, type PopularityActivityDeps } from './popularity/activities';
import { createTrainingActivities, type TrainingActivityDeps } from './training/activities';

/** What every activity of the offline worker works with, together. */
export type ActivityDeps = TrainingActivityDeps & PopularityActivityDeps;

/** All activities the offline worker serves. */
export function createActivities(deps: ActivityDeps) {
  return { ...createPopularityActivities(deps), ...createTrainingActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
