import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FormDialog } from '../../renderer/ui/dialogs';
import { TextInput } from '../../renderer/ui/fields';
import { useForm } from '../../renderer/ui/form';

afterEach(cleanup);

/** A two-field form as the features build it, which shows what it would send. */
function Account(props: { onSubmit(values: { name: string; phone: string }): void }) {
  const form = useForm({ name: '', phone: '' });
  return (
    <FormDialog
      open
      title="账号"
      testId="account"
      onClose={form.reset}
      canSubmit={form.values.name.length > 0}
      onSubmit={() => {
        props.onSubmit(form.values);
        form.reset();
      }}
    >
      <TextInput label="姓名" {...form.field('name')} testId="name" />
      <TextInput label="电话" {...form.field('phone')} testId="phone" />
    </FormDialog>
  );
}

const field = (id: string) => screen.getByTestId<HTMLInputElement>(id);

describe('useForm', () => {
  it('binds each field to its own value, submits them together and starts again after a reset', () => {
    const sent: unknown[] = [];
    render(<Account onSubmit={(v) => sent.push(v)} />);
    fireEvent.change(field('name'), { target: { value: '李明' } });
    fireEvent.change(field('phone'), { target: { value: '138' } });
    expect(field('name').value).toBe('李明');
    expect(field('phone').value).toBe('138');
    act(() => fireEvent.submit(field('name').closest('form')!));
    expect(sent).toEqual([{ name: '李明', phone: '138' }]);
    expect(field('name').value).toBe('');
    expect(field('phone').value).toBe('');
  });

  it('keeps two changes made before the next render', () => {
    const sent: unknown[] = [];
    render(<Account onSubmit={(v) => sent.push(v)} />);
    act(() => {
      fireEvent.change(field('name'), { target: { value: '王磊' } });
      fireEvent.change(field('phone'), { target: { value: '139' } });
    });
    expect(field('name').value).toBe('王磊');
    expect(field('phone').value).toBe('139');
  });
});

describe('form fields', () => {
  it('are medium in a form dialog (FieldSize) and small elsewhere', () => {
    render(
      <>
        <Account onSubmit={() => undefined} />
        <TextInput label="搜索" value="" onChange={() => undefined} testId="search" />
      </>,
    );
    expect(field('name').closest('.MuiInputBase-root')?.className).not.toMatch(/MuiInputBase-sizeSmall/);
    expect(field('search').closest('.MuiInputBase-root')?.className).toMatch(/MuiInputBase-sizeSmall/);
  });
});
