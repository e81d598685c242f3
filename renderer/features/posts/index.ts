/**
 * The posts feature's public face (issue 17): the posts tab (who holds which post, peaks, the holiday calendar),
 * the patrol parking counts tab, the map's posts layer and the feed that keeps the board live.
 */
export { CountsTab } from './CountsTab';
export { PostsLayer } from './PostsLayer';
export { PostsTab } from './PostsTab';
export { usePostsFeed } from './store';
