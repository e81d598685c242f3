import { createFrameTransport, MAX_FRAME_BYTES, type Envelope, type Transport } from '../../shared/contract';

interface Bridge {
  invoke(method: string, input: unknown): Promise<Envelope<unknown>>;
  on(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser on the web host. */
    consoleBridge?: Bridge;
  }
}

export type LinkState = 'open' | 'connecting' | 'closed';

export interface RendererTransport extends Transport {
  kind: 'ipc' | 'ws';
  /** Link to the core itself (not the hub): only the WebSocket can drop. Called on every change. */
  onLink(listener: (state: LinkState) => void): () => void;
}

function ipcTransport(bridge: Bridge): RendererTransport {
  return {
    kind: 'ipc',
    invoke: (method, input) => bridge.invoke(method, input),
    listen: (listener) => bridge.on(listener),
    onLink: (listener) => {
      listener('open');
      return () => undefined;
    },
  };
}

/** The web host's WebSocket, reconnecting with back-off; calls made while it is down fail at once. */
function wsTransport(url: string): RendererTransport {
  let socket: WebSocket | undefined;
  let state: LinkState = 'connecting';
  let retry = 0;
  const linkListeners = new Set<(s: LinkState) => void>();
  const setState = (s: LinkState) => {
    state = s;
    for (const l of linkListeners) l(s);
  };
  const frames = createFrameTransport(
    (text) => {
      if (!socket || socket.readyState !== WebSocket.OPEN)
        throw new Error('the console service is not connected');
      socket.send(text);
    },
    { maxFrameBytes: MAX_FRAME_BYTES },
  );
  const connect = () => {
    // Only the first attempt is "connecting"; after a drop the link stays "closed" until it is back.
    if (state !== 'closed') setState('connecting');
    socket = new WebSocket(url);
    socket.onopen = () => {
      retry = 0;
      setState('open');
    };
    socket.onmessage = (e) => frames.receive(String(e.data));
    socket.onclose = () => {
      frames.failPending('the link to the console service dropped');
      setState('closed');
      // Loopback attempts are cheap and the supervisor brings a crashed service back within seconds: never wait
      // more than 2 s between them.
      retry = Math.min(retry + 1, 5);
      window.setTimeout(connect, Math.min(300 * 2 ** retry, 2000));
    };
  };
  connect();
  return {
    kind: 'ws',
    ...frames.transport,
    onLink: (listener) => {
      linkListeners.add(listener);
      listener(state);
      return () => linkListeners.delete(listener);
    },
  };
}

export function pickTransport(): RendererTransport {
  if (window.consoleBridge) return ipcTransport(window.consoleBridge);
  // The token leaves the address bar (screenshots, screen sharing, history) once read; the tab keeps it for reloads.
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token') ?? window.sessionStorage.getItem('console.token') ?? '';
  if (params.has('token')) {
    window.sessionStorage.setItem('console.token', token);
    params.delete('token');
    const rest = params.toString();
    window.history.replaceState(
      window.history.state,
      '',
      `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
    );
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return wsTransport(`${scheme}://${window.location.host}/api?token=${encodeURIComponent(token)}`);
}
