import { useTranslation } from 'react-i18next';
import type { PostBoard, PostView } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useSystem } from '../system';
import { board as boardStore } from './store';
import { shiftLabel } from './words';

/**
 * Assigns a guard to a post for this shift or the next (a supervisor's). Keyboard: the guard list has the focus
 * (↑/↓ open and choose, Enter picks), Tab reaches the shift, Enter in the form assigns, Esc cancels.
 */
export function AssignDialog(props: { board: PostBoard; post: PostView; onClose(): void }) {
  const { t } = useTranslation();
  const text = useText();
  const client = useClient();
  const call = useCall('inline');
  const site = useStore(useSystem().site);
  const { board, post } = props;
  const form = useForm({ shift: board.shift.key, guard: post.guardId ?? '' });
  const current = form.values.shift === board.shift.key;
  // Who stands at another post that shift: shown, so the supervisor sees why the core would refuse.
  const taken = new Map(
    board.posts
      .filter((p) => p.id !== post.id)
      .flatMap((p) => {
        const g = current ? p.guardId : p.nextGuardId;
        return g ? [[g, p] as const] : [];
      }),
  );
  const submit = async () => {
    const b = await call.run(() =>
      client.call('posts.assign', {
        postId: post.id,
        shift: form.values.shift,
        ...(form.values.guard ? { guardId: form.values.guard } : {}),
      }),
    );
    if (!b) return;
    boardStore.set(b);
    props.onClose();
  };
  return (
    <FormDialog
      open
      title={t('posts.assignTitle', { post: text(post.name) })}
      testId="post-assign-dialog"
      onClose={props.onClose}
      onSubmit={submit}
      error={call.error}
      errorTestId="post-assign-error"
      submitLabel={t('posts.assign')}
      submitTestId="post-assign-submit"
    >
      <SelectInput
        label={t('posts.guard')}
        autoFocus
        testId="post-assign-guard"
        displayTestId="post-assign-guard-select"
        empty={t('posts.nobody')}
        {...form.field('guard')}
        options={(site?.guards ?? []).map((g) => {
          const at = taken.get(g.id);
          return {
            value: g.id,
            testId: `post-assign-guard-${g.id}`,
            label: at ? t('posts.guardAt', { guard: text(g.name), post: text(at.name) }) : text(g.name),
          };
        })}
      />
      <SelectInput
        label={t('posts.shift')}
        testId="post-assign-shift"
        displayTestId="post-assign-shift-select"
        {...form.field('shift')}
        options={[board.shift, board.next].map((s, i) => ({
          value: s.key,
          testId: `post-assign-shift-${i === 0 ? 'current' : 'next'}`,
          label: `${t(i === 0 ? 'posts.thisShift' : 'posts.nextShift')} · ${shiftLabel(t, s, site?.timeZone)}`,
        }))}
      />
    </FormDialog>
  );
}
