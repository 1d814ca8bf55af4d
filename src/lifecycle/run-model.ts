// The model part of a stored run, as the lifecycle reads it back.
import { envNumber } from "../config";
import type { RunRow } from "../db/schema";
import type { PublicModel } from "../contract/model";

export type StoredModel = PublicModel;

export function storedModel(run: Pick<RunRow, "model">): StoredModel {
  // Runs stored before a field existed get its default.
  return { stream: true, discover_window: false, ...run.model } as StoredModel;
}

export const isFinished = (status: RunRow["status"]) => status === "succeeded" || status === "failed" || status === "cancelled";

type LeaseEnv = Pick<Env, "LEASE_MARGIN_SECONDS">;

/** How long past its request timeout a dispatched probe may stay silent before the sweeper hands it out again. */
export function leaseMarginMs(env: LeaseEnv): number {
  return envNumber(env.LEASE_MARGIN_SECONDS, 30) * 1000;
}

export function leaseMs(model: StoredModel, env: LeaseEnv): number {
  return model.request_timeout_s * 1000 + leaseMarginMs(env);
}
