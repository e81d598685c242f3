import { useEffect } from 'react';
import type { ConsoleClient, MethodOutput, PostBoard } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { createStore, useStore } from '../../api/store';
import { useOperators } from '../operators';

/** The posts board as the core last told it (pushed on every change), and today's patrol parking counts. */
export const board = createStore<PostBoard | null>(null);
export type CountsState = MethodOutput<'parking.counts'>;
export const counts = createStore<CountsState | null>(null);

export async function loadPosts(client: ConsoleClient): Promise<void> {
  const [b, c] = await Promise.all([client.call('posts.board'), client.call('parking.counts')]);
  board.set(b);
  counts.set(c);
}

export const loadCounts = async (client: ConsoleClient) => counts.set(await client.call('parking.counts'));

/**
 * Keeps the board live while someone is signed in and the console is unlocked (as the gate desk's feed does):
 * loaded at sign-in, at unlock and on a new link, then replaced by each `posts.changed`. Mounted once by the app
 * (the map's posts layer needs it with the desk shut).
 */
export function usePostsFeed(): void {
  const client = useClient();
  const operator = useStore(useOperators().operator);
  const locked = useStore(useOperators().locked);
  const confirmed = useStore(useOperators().confirmed);
  useEffect(() => {
    if (!operator || locked) return;
    loadPosts(client).catch((err: Error) => console.error(`loading the posts failed: ${err.message}`));
    return client.on('posts.changed', (b) => board.set(b));
  }, [client, operator, locked, confirmed]);
}
