import {
  Checkbox,
  FormControlLabel,
  MenuItem,
  TextField,
  type SxProps,
  type TextFieldProps,
  type Theme,
} from '@mui/material';
import { createContext, useContext, type KeyboardEvent, type ReactNode } from 'react';

/** Enter submits the form, Shift+Enter starts a new line: the dialogs are used without the mouse. */
export function submitOnEnter(e: KeyboardEvent): void {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    (e.target as HTMLElement).closest('form')?.requestSubmit();
  }
}

/**
 * The size of the fields below it: small in panels and tool dialogs, where the console is dense; a form dialog
 * asks for medium. A field's own `size` wins.
 */
export const FieldSize = createContext<'small' | 'medium'>('small');

interface FieldProps {
  label?: string;
  /** On the input element itself, where tests fill it in. */
  testId?: string;
  size?: 'small' | 'medium';
  disabled?: boolean;
  autoFocus?: boolean;
  sx?: SxProps<Theme>;
}

/** A text field that gives its value, not the event; multi-line ones submit on Enter when asked to. */
export function TextInput(
  props: FieldProps & {
    value: string;
    onChange(value: string): void;
    type?: string;
    maxLength?: number;
    multiline?: boolean;
    minRows?: number;
    maxRows?: number;
    enterSubmits?: boolean;
    placeholder?: string;
    autoComplete?: string;
    fullWidth?: boolean;
    /** Keeps the label above a field that shows its own hint (date, time). */
    shrinkLabel?: boolean;
    htmlInput?: Record<string, unknown>;
  },
) {
  const size = useContext(FieldSize);
  const slotProps: TextFieldProps['slotProps'] = {
    htmlInput: { 'data-testid': props.testId, maxLength: props.maxLength, ...props.htmlInput },
    ...(props.shrinkLabel ? { inputLabel: { shrink: true } } : {}),
  };
  return (
    <TextField
      label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      type={props.type}
      size={props.size ?? size}
      disabled={props.disabled}
      autoFocus={props.autoFocus}
      autoComplete={props.autoComplete}
      placeholder={props.placeholder}
      multiline={props.multiline}
      minRows={props.minRows}
      maxRows={props.maxRows}
      fullWidth={props.fullWidth}
      onKeyDown={props.enterSubmits ? submitOnEnter : undefined}
      sx={props.sx}
      slotProps={slotProps}
    />
  );
}

export interface Option<V> {
  value: V;
  label: ReactNode;
  testId?: string;
}

/**
 * A drop-down. `empty` adds a first choice with the value '' (all, none); without a label it is shown as
 * the field's text. `displayTestId` marks the part a person clicks to open it.
 */
export function SelectInput<V extends string | number>(
  props: FieldProps & {
    value: V;
    onChange(value: NoInfer<V>): void;
    options: readonly Option<V>[];
    empty?: string;
    displayTestId?: string;
  },
) {
  const size = useContext(FieldSize);
  return (
    <TextField
      select
      label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as V)}
      size={props.size ?? size}
      disabled={props.disabled}
      autoFocus={props.autoFocus}
      sx={props.sx}
      slotProps={{
        htmlInput: { 'data-testid': props.testId },
        select: {
          displayEmpty: props.empty !== undefined && !props.label,
          // A filter without a label (the queue's) is named by what its empty choice says ("all states").
          SelectDisplayProps: {
            ...(props.displayTestId ? { 'data-testid': props.displayTestId } : {}),
            ...(!props.label && props.empty ? { 'aria-label': props.empty } : {}),
          } as object,
        },
      }}
    >
      {props.empty !== undefined && <MenuItem value="">{props.empty}</MenuItem>}
      {props.options.map((o) => (
        <MenuItem key={String(o.value)} value={o.value} data-testid={o.testId}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** A labelled check box; `testId` marks the label (click it), `inputTestId` the box (check it, read it). */
export function CheckInput(props: {
  label: ReactNode;
  checked: boolean;
  onChange(checked: boolean): void;
  disabled?: boolean;
  testId?: string;
  inputTestId?: string;
}) {
  return (
    <FormControlLabel
      label={props.label}
      data-testid={props.testId}
      control={
        <Checkbox
          checked={props.checked}
          disabled={props.disabled}
          onChange={(e) => props.onChange(e.target.checked)}
          slotProps={{ input: { 'data-testid': props.inputTestId } as object }}
        />
      }
    />
  );
}
