/**
 * The only bridge between the sandboxed renderer and the main process: `invoke` for contract methods and
 * `on` for contract events, nothing else. Names outside the contract never reach ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, isEventName, isMethodName } from '../../shared/contract';
import type { Envelope } from '../../shared/contract';

const bridge = {
  invoke(method: string, input: unknown): Promise<Envelope<unknown>> {
    if (!isMethodName(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'unknown_method', message: `There is no method "${method}".` },
      });
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, input) as Promise<Envelope<unknown>>;
  },
  on(listener: (name: string, payload: unknown) => void): () => void {
    const wrapped = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (isEventName(name)) listener(name, payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
};

export type ConsoleBridge = typeof bridge;

contextBridge.exposeInMainWorld('consoleBridge', bridge);
