// A minimal Chrome DevTools Protocol client for workerd's inspector (what `wrangler dev
// --inspector-port` exposes), and a heap sampler on top of it. The WebSocket is undici's: Node 20
// has no global one without a flag, and undici is the library Node's own fetch is built on.
import { performance } from "node:perf_hooks";
import { WebSocket } from "undici";

/** What `Runtime.getHeapUsage` answers (bytes). */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

export interface InspectorTarget {
  id: string;
  title: string;
  webSocketDebuggerUrl: string;
}

export interface Inspector {
  target: InspectorTarget;
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Calls `handler` with the params of every event named `method` (e.g. HeapProfiler.addHeapSnapshotChunk). */
  on(method: string, handler: (params: any) => void): void;
  close(): void;
}

/** The targets the inspector lists at /json (wrangler's proxy lists the user Worker only). */
export async function inspectorTargets(port: number): Promise<InspectorTarget[]> {
  const res = await fetch(`http://127.0.0.1:${port}/json`);
  if (!res.ok) throw new Error(`inspector at port ${port} answered ${res.status}`);
  return (await res.json()) as InspectorTarget[];
}

export async function openInspector(target: InspectorTarget): Promise<Inspector> {
  // Miniflare's inspector proxy refuses an upgrade without an allowed Origin (unless there is no
  // User-Agent either, which undici always sends).
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: "http://127.0.0.1" } });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, (params: any) => void>();
  let nextId = 0;
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    if (message.method) listeners.get(message.method)?.(message.params);
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return; // an event, not an answer
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  socket.addEventListener("close", () => {
    for (const waiter of pending.values()) waiter.reject(new Error("inspector connection closed"));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot connect to ${target.webSocketDebuggerUrl}`)), { once: true });
  });
  return {
    target,
    send: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, handler) => void listeners.set(method, handler),
    close: () => socket.close(),
  };
}

export interface HeapSample extends HeapUsage {
  /** ms since the sampler started */
  at: number;
  /** what the load was doing when the sample was taken */
  phase: string;
}

/**
 * Asks for the heap every `intervalMs` (one request in flight at a time) until stopped. A busy
 * isolate may answer late; `maxGapMs` says how long the longest wait between two samples was.
 */
export function sampleHeap(inspector: Inspector, intervalMs = 100) {
  const samples: HeapSample[] = [];
  const started = performance.now();
  let phase = "idle";
  let running = true;
  const loop = (async () => {
    while (running) {
      const asked = performance.now();
      const usage = await inspector.send<HeapUsage>("Runtime.getHeapUsage");
      samples.push({ ...usage, at: performance.now() - started, phase });
      const wait = intervalMs - (performance.now() - asked);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    samples,
    setPhase: (name: string) => void (phase = name),
    async stop(): Promise<HeapSample[]> {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** Largest gap between consecutive samples, ms. */
export function maxGapMs(samples: readonly HeapSample[]): number {
  let gap = 0;
  for (let i = 1; i < samples.length; i++) gap = Math.max(gap, samples[i]!.at - samples[i - 1]!.at);
  return gap;
}
