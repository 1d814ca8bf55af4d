// The model part of a stored run, as the lifecycle reads it back.
import type { RunRow } from "../db/schema";
import type { PublicModel } from "../contract/model";

export type StoredModel = PublicModel;

export function storedModel(run: Pick<RunRow, "model">): StoredModel {
  // Runs stored before a field existed get its default.
  return { stream: true, discover_window: false, ...run.model } as StoredModel;
}

export const isFinished = (status: RunRow["status"]) => status === "succeeded" || status === "failed" || status === "cancelled";

/** How long a dispatched probe may stay silent before the sweeper hands it out again. */
export const LEASE_MARGIN_MS = 30_000;

export function leaseMs(model: StoredModel): number {
  return model.request_timeout_s * 1000 + LEASE_MARGIN_MS;
}
