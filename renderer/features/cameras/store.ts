import type {
  CameraAdminView,
  ConsoleClient,
  MethodInput,
  MethodOutput,
  StreamStatus,
} from '../../../shared/contract';
import type { StreamProfile } from '../../../shared/domain/site';
import { createStore, featureContext, type Store } from '../../api/store';

export const streamKey = (cameraId: string, profile: string) => `${cameraId}/${profile}`;

/** What a live tile offers: its current picture as base64 PNG, or null while it has none. */
export type FrameSource = () => string | null;

/** The video: where the gateway is, the health of every stream, the pictures on screen, camera management. */
export interface CamerasStore {
  /** Where the video gateway is (loopback WebSocket + token). */
  video: Store<MethodOutput<'streams.endpoint'> | null>;
  /** Stream health by `cameraId/profile`. */
  streams: Store<Record<string, StreamStatus>>;
  /** Another feature asking the wall to show a camera full size; `seq` makes asking twice a new request. */
  focusRequest: Store<{ cameraId: string; seq: number } | null>;
  showOnWall(cameraId: string): void;
  /** A tile showing a camera offers its picture while it is mounted; returns the way to withdraw it. */
  offerFrames(cameraId: string, profile: StreamProfile, source: FrameSource): () => void;
  /** The current picture of a camera shown anywhere on this console (base64 PNG), or null if none is. */
  capture(cameraId: string): string | null;
  snapshot(cameraId: string, profile: StreamProfile, png: string): Promise<MethodOutput<'streams.snapshot'>>;
  /** Camera management (supervisors): the list with settings, kept current by the replies of save and remove. */
  admin: Store<CameraAdminView[]>;
  loadAdmin(): Promise<void>;
  save(camera: MethodInput<'cameras.save'>): Promise<CameraAdminView>;
  remove(id: string): Promise<void>;
  test(input: MethodInput<'cameras.test'>): Promise<MethodOutput<'cameras.test'>>;
  load(): Promise<void>;
  dispose(): void;
}

export function createCamerasStore(client: ConsoleClient): CamerasStore {
  const video = createStore<MethodOutput<'streams.endpoint'> | null>(null);
  const streams = createStore<Record<string, StreamStatus>>({});
  const focusRequest = createStore<{ cameraId: string; seq: number } | null>(null);
  const admin = createStore<CameraAdminView[]>([]);
  const frames = new Map<string, Set<{ profile: StreamProfile; source: FrameSource }>>();
  const mergeStreams = (incoming: StreamStatus[]) =>
    streams.set((prev) => {
      const next = { ...prev };
      for (const s of incoming) {
        const key = streamKey(s.cameraId, s.profile);
        const had = next[key];
        // A camera's MPEG-1 and passthrough streams share the key: the one a tile left going idle must not hide
        // the one it plays now.
        if (
          had &&
          s.state === 'idle' &&
          had.state !== 'idle' &&
          (had.path ?? 'jsmpeg') !== (s.path ?? 'jsmpeg')
        )
          continue;
        next[key] = s;
      }
      return next;
    });
  const off = client.on('streams.status', ({ streams: s }) => mergeStreams(s));

  return {
    video,
    streams,
    focusRequest,
    showOnWall: (cameraId) => focusRequest.set((prev) => ({ cameraId, seq: (prev?.seq ?? 0) + 1 })),
    offerFrames(cameraId, profile, source) {
      const entry = { profile, source };
      const set = frames.get(cameraId) ?? new Set();
      frames.set(cameraId, set.add(entry));
      return () => {
        set.delete(entry);
        if (set.size === 0) frames.delete(cameraId);
      };
    },
    capture(cameraId) {
      for (const { source } of frames.get(cameraId) ?? []) {
        const png = source();
        if (png) return png;
      }
      return null;
    },
    snapshot: (cameraId, profile, png) => client.call('streams.snapshot', { cameraId, profile, png }),
    admin,
    async loadAdmin() {
      admin.set((await client.call('cameras.list')).cameras);
    },
    async save(camera) {
      const saved = await client.call('cameras.save', camera);
      admin.set((prev) =>
        prev.some((c) => c.id === saved.id)
          ? prev.map((c) => (c.id === saved.id ? saved : c))
          : [...prev, saved],
      );
      return saved;
    },
    async remove(id) {
      await client.call('cameras.remove', { id });
      admin.set((prev) => prev.filter((c) => c.id !== id));
    },
    test: (input) => client.call('cameras.test', input),
    async load() {
      const [endpoint, list] = await Promise.all([
        client.call('streams.endpoint'),
        client.call('streams.list'),
      ]);
      video.set((prev) =>
        prev && prev.url === endpoint.url && prev.token === endpoint.token ? prev : endpoint,
      );
      mergeStreams(list.streams);
    },
    dispose: off,
  };
}

export const [CamerasContext, useCameras] = featureContext<CamerasStore>('cameras');
