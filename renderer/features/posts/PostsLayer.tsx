import { CircleMarker, Tooltip } from 'react-leaflet';
import { useTranslation } from 'react-i18next';
import type { PostView } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { useText } from '../../ui/hooks';
import { useSystem } from '../system';
import { board as boardStore } from './store';

/** Green held, grey unassigned outside a peak, amber with its guard away or silent, red when a peak needs it. */
function colourOf(p: PostView): string {
  if (p.required && p.state !== 'held') return '#ff1744';
  if (p.state === 'held') return '#66bb6a';
  return p.state === 'unassigned' ? '#9aa7b4' : '#ffab00';
}

/**
 * The posts on the site map (定点值守): a square-ish dot per post and, beside it always, who holds it this shift or
 * that nobody does. The label is permanent: the operator reads the posts off the map without hovering.
 */
export function PostsLayer() {
  const board = useStore(boardStore);
  const site = useStore(useSystem().site);
  const text = useText();
  const { t } = useTranslation();
  return (
    <>
      {(board?.posts ?? []).map((p) => {
        const guard = p.guardId ? site?.guards.find((g) => g.id === p.guardId) : undefined;
        const holder = p.state === 'held' && guard ? text(guard.name) : t(`posts.mapState.${p.state}`);
        return (
          <CircleMarker
            // Leaflet takes a path's class only when it is made: a new state makes a new marker.
            key={`${p.id}:${p.state}:${p.required}`}
            center={[p.position.lat, p.position.lon]}
            radius={7}
            className={`post-marker post-${p.state}${p.required ? ' post-required' : ''}`}
            pathOptions={{ color: '#101820', weight: 2, fillColor: colourOf(p), fillOpacity: 0.95 }}
          >
            <Tooltip permanent direction="right" offset={[8, 0]} className={`post-label post-label-${p.id}`}>
              {text(p.name)} · {holder}
            </Tooltip>
          </CircleMarker>
        );
      })}
    </>
  );
}
