import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Contact } from '../../shared/contract';
import { callable, ContactInputs, NoteDialog, trimmed } from '../../renderer/features/facilities/forms';

afterEach(cleanup);

const type = (testId: string, text: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value: text } });

describe('facilities form pieces', () => {
  it('NoteDialog: submits the trimmed text once it has `min` characters; stays open for the caller to close', async () => {
    const onSubmit = vi.fn(async () => undefined);
    const onClose = vi.fn();
    render(
      <NoteDialog
        title="退回"
        label="原因"
        testId="refuse-dialog"
        fieldTestId="refuse-reason"
        min={2}
        maxLength={500}
        onClose={onClose}
        onSubmit={onSubmit}
      />,
    );
    type('refuse-reason', ' x ');
    expect(screen.getByTestId('dialog-submit')).toHaveProperty('disabled', true);
    type('refuse-reason', '  不在保修范围 ');
    await act(async () => fireEvent.click(screen.getByTestId('dialog-submit')));
    expect(onSubmit).toHaveBeenCalledWith('不在保修范围');
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId('refuse-reason')).toHaveProperty('maxLength', 500);
  });

  it('ContactInputs: edits the name and the phone of one contact; callable() and trimmed() judge and clean it', () => {
    let seen: Contact = { name: '', phone: '' };
    function Form() {
      const [c, setC] = useState<Contact>({ name: '张师傅', phone: '' });
      seen = c;
      return (
        <ContactInputs value={c} onChange={setC} labels={['姓名', '电话']} testIds={['c-name', 'c-phone']} />
      );
    }
    render(<Form />);
    expect(callable(seen)).toBe(false);
    type('c-phone', ' 138-0000 0011 ');
    expect(seen).toEqual({ name: '张师傅', phone: ' 138-0000 0011 ' });
    expect(callable(seen)).toBe(true);
    expect(trimmed(seen)).toEqual({ name: '张师傅', phone: '138-0000 0011' });
    type('c-name', '  ');
    expect(callable(seen)).toBe(false);
    expect(callable({ name: '张', phone: '12' })).toBe(false);
    expect(callable({ name: '张', phone: 'call me' })).toBe(false);
  });
});
