import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ContractCallError } from '../../shared/contract';
import { FormDialog } from '../../renderer/ui/dialogs';
import { TextInput } from '../../renderer/ui/fields';
import { i18next } from '../../renderer/ui/i18n';
import { useCall } from '../../renderer/ui/useCall';

afterEach(cleanup);

/** A note dialog as the features build it: a multi-line field that submits on Enter, a call behind it. */
function NoteDialog(props: { call(note: string): Promise<unknown>; onClose(): void; min?: number }) {
  const [note, setNote] = useState('');
  const call = useCall();
  return (
    <FormDialog
      open
      title="备注"
      testId="note-dialog"
      onClose={props.onClose}
      canSubmit={note.trim().length >= (props.min ?? 1)}
      error={call.error}
      errorTestId="note-error"
      onSubmit={async () => {
        if (await call.succeeds(() => props.call(note))) props.onClose();
      }}
    >
      <TextInput label="备注内容" value={note} onChange={setNote} multiline enterSubmits testId="note-text" />
    </FormDialog>
  );
}

const type = (text: string) => fireEvent.change(screen.getByTestId('note-text'), { target: { value: text } });
const press = (key: string, options: { shiftKey?: boolean } = {}) =>
  fireEvent.keyDown(screen.getByTestId('note-text'), { key, ...options });

describe('FormDialog', () => {
  it('submits on Enter and closes when the call goes through; Shift+Enter only starts a new line', async () => {
    const call = vi.fn(async () => ({ done: true }));
    const onClose = vi.fn();
    render(<NoteDialog call={call} onClose={onClose} />);
    type('保安已出发');
    press('Enter', { shiftKey: true });
    expect(call).not.toHaveBeenCalled();
    await act(async () => press('Enter'));
    expect(call).toHaveBeenCalledWith('保安已出发');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('does not submit what is not complete yet', async () => {
    const call = vi.fn(async () => ({ done: true }));
    render(<NoteDialog call={call} onClose={() => undefined} min={2} />);
    type('x');
    await act(async () => press('Enter'));
    expect(call).not.toHaveBeenCalled();
    expect(screen.getByTestId('dialog-submit')).toHaveProperty('disabled', true);
  });

  it('shows a refusal in the operator’s language (the core’s English sentence only in English), and stays open', async () => {
    await i18next.changeLanguage('zh-CN');
    const onClose = vi.fn();
    const refuse = async () => {
      throw new ContractCallError({ code: 'forbidden', message: 'This needs the supervisor role.' });
    };
    render(<NoteDialog call={refuse} onClose={onClose} />);
    type('暴雨');
    await act(async () => press('Enter'));
    expect(screen.getByTestId('note-error').textContent).toBe('权限不足');
    expect(onClose).not.toHaveBeenCalled();

    await act(async () => i18next.changeLanguage('en'));
    await act(async () => press('Enter'));
    expect(screen.getByTestId('note-error').textContent).toBe('Not allowed: This needs the supervisor role.');
  });

  it('keeps the submit button disabled while the call runs', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const pending = () => new Promise((resolve) => (answer = resolve));
    render(<NoteDialog call={pending} onClose={() => undefined} />);
    type('保安已出发');
    await act(async () => press('Enter'));
    expect(screen.getByTestId('dialog-submit')).toHaveProperty('disabled', true);
    await act(async () => answer({ done: true }));
    expect(screen.getByTestId('dialog-submit')).toHaveProperty('disabled', false);
  });

  it('closes on Esc', () => {
    const onClose = vi.fn();
    render(<NoteDialog call={async () => undefined} onClose={onClose} />);
    fireEvent.keyDown(screen.getByTestId('note-text'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
