import { createContext, useContext } from 'react';
import { createClient, type ConsoleClient } from '../../shared/contract';
import type { RendererTransport } from './transport';

/** The typed contract client over the renderer's transport; an event outside the contract is logged and dropped. */
export function createConsoleClient(transport: RendererTransport): ConsoleClient {
  return createClient(transport, (name, why) => console.error(`event ${name} outside the contract: ${why}`));
}

/** For calls that belong to no feature's live state (a history page, a report); stores use the client directly. */
export const ClientContext = createContext<ConsoleClient | null>(null);

export function useClient(): ConsoleClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}
