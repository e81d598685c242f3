import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  type ButtonProps,
  type DialogProps,
  type SxProps,
  type Theme,
} from '@mui/material';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldSize, TextInput } from './fields';

/**
 * Escape closes the topmost dialog even when the focus has fallen out of it: a button disabled while its call runs,
 * or removed when the call is done, drops the focus to the page, where the dialog's own Escape handler never hears
 * the key (seen: an assign dialog's refusal, a camera saved, an import done — each left open by one Escape).
 */
function useEscapeFromPage(open: boolean, onClose: () => void) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.activeElement !== document.body) return;
      const modals = document.querySelectorAll('.MuiModal-root');
      if (modals[modals.length - 1] === root.current) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, onClose]);
  return root;
}

/** A refusal or a problem, where the operator is looking; nothing when there is none. */
export function ErrorAlert({ error, testId }: { error: string | null | undefined; testId?: string }) {
  return error ? (
    <Alert severity="error" data-testid={testId}>
      {error}
    </Alert>
  ) : null;
}

/**
 * A dialog that asks for something: its fields, Cancel and a submit button. Enter in a field submits (the
 * form's own behaviour; multi-line fields opt in with `enterSubmits`), Esc closes. While `onSubmit`'s
 * promise runs the submit button is disabled; `error` shows under the fields.
 */
export function FormDialog(props: {
  open: boolean;
  title: ReactNode;
  testId: string;
  onClose(): void;
  onSubmit(): unknown;
  canSubmit?: boolean;
  busy?: boolean;
  error?: string;
  errorTestId?: string;
  submitLabel?: string;
  submitTestId?: string;
  submitColor?: ButtonProps['color'];
  maxWidth?: DialogProps['maxWidth'];
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const root = useEscapeFromPage(props.open, props.onClose);
  const [running, setRunning] = useState(false);
  const canSubmit = (props.canSubmit ?? true) && !running && !props.busy;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canSubmit) return;
    const result = props.onSubmit();
    if (result instanceof Promise) {
      setRunning(true);
      void result.finally(() => setRunning(false));
    }
  };
  return (
    <Dialog
      ref={root}
      open={props.open}
      onClose={props.onClose}
      fullWidth
      maxWidth={props.maxWidth ?? 'sm'}
      data-testid={props.testId}
    >
      <form onSubmit={submit}>
        <DialogTitle>{props.title}</DialogTitle>
        <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
          <FieldSize value="medium">{props.children}</FieldSize>
          <ErrorAlert error={props.error} testId={props.errorTestId} />
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>{t('form.cancel')}</Button>
          <Button
            type="submit"
            variant="contained"
            color={props.submitColor}
            disabled={!canSubmit}
            data-testid={props.submitTestId ?? 'dialog-submit'}
          >
            {props.submitLabel ?? t('form.submit')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** What an area gives a dialog it opens: whether it is open and how to close it (`<ToolDialog {...props}>`). */
export interface DialogHandle {
  open: boolean;
  onClose(): void;
}

/**
 * A dialog to work in (a log, a list, an editor): its content and a Close button, after which `actions`
 * (a Save) come. `closeLabel={null}` leaves the Close button out (Esc and the backdrop still close).
 */
export function ToolDialog(props: {
  open?: boolean;
  title: ReactNode;
  testId: string;
  onClose(): void;
  maxWidth?: DialogProps['maxWidth'];
  actions?: ReactNode;
  closeLabel?: string | null;
  contentSx?: SxProps<Theme>;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const root = useEscapeFromPage(props.open ?? true, props.onClose);
  const close =
    props.closeLabel === null ? null : (
      <Button onClick={props.onClose}>{props.closeLabel ?? t('form.close')}</Button>
    );
  return (
    <Dialog
      ref={root}
      open={props.open ?? true}
      onClose={props.onClose}
      fullWidth
      maxWidth={props.maxWidth ?? 'md'}
      data-testid={props.testId}
    >
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent sx={props.contentSx ?? { display: 'flex', flexDirection: 'column', gap: 1 }}>
        {props.children}
      </DialogContent>
      {(close || props.actions) && (
        <DialogActions>
          {close}
          {props.actions}
        </DialogActions>
      )}
    </Dialog>
  );
}

/** Buttons that each open one of an area's dialogs, as `[dialog, label, testId]`; `onOpen` gets the dialog. */
export function DialogButtons<const D extends string>(props: {
  buttons: readonly (readonly [dialog: D, label: string, testId: string])[];
  onOpen(dialog: NoInfer<D>): void;
  size?: ButtonProps['size'];
  variant?: ButtonProps['variant'];
}) {
  return props.buttons.map(([dialog, label, testId]) => (
    <Button
      key={dialog}
      size={props.size}
      variant={props.variant}
      onClick={() => props.onOpen(dialog)}
      data-testid={testId}
    >
      {label}
    </Button>
  ));
}

/** A form laid out as a row or grid inside a panel or dialog (a new log entry, an account). */
export function InlineForm(props: {
  onSubmit(): unknown;
  columns: string;
  testId?: string;
  sx?: Record<string, unknown>;
  children: ReactNode;
}) {
  return (
    <Box
      component="form"
      data-testid={props.testId}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void props.onSubmit();
      }}
      sx={{ display: 'grid', gridTemplateColumns: props.columns, gap: 1, alignItems: 'center', ...props.sx }}
    >
      {props.children}
    </Box>
  );
}

/** A one-field dialog: a note, or a reason (reopen, mute, an SOS cleared). It closes as it submits. */
export function TextDialog(props: {
  open: boolean;
  title: string;
  label: string;
  testId: string;
  min: number;
  onClose(): void;
  onSubmit(text: string): void;
}) {
  const [text, setText] = useState('');
  const close = () => {
    setText('');
    props.onClose();
  };
  return (
    <FormDialog
      open={props.open}
      title={props.title}
      testId={props.testId}
      onClose={close}
      canSubmit={text.trim().length >= props.min}
      onSubmit={() => {
        props.onSubmit(text.trim());
        close();
      }}
    >
      <TextInput
        autoFocus
        label={props.label}
        value={text}
        onChange={setText}
        testId={`${props.testId}-text`}
        maxLength={2000}
      />
    </FormDialog>
  );
}
