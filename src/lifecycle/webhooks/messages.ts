// A webhook queue message names one attempt of one delivery; everything else lives in D1, so a
// stale or duplicated message is recognised (its attempt is no longer the next one) and dropped.
export interface WebhookMessage {
  v: 1;
  delivery_id: string;
  /** The attempt this message is for (1-based). */
  attempt: number;
}

export const WEBHOOK_QUEUE = "ctxprobe-webhooks";

export function webhookMessage(deliveryId: string, attempt: number): WebhookMessage {
  return { v: 1, delivery_id: deliveryId, attempt };
}

export function isWebhookMessage(body: unknown): body is WebhookMessage {
  const m = body as Partial<WebhookMessage> | null;
  return !!m && m.v === 1 && typeof m.delivery_id === "string" && Number.isInteger(m.attempt) && (m.attempt as number) >= 1;
}
