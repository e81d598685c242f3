import { Box, Paper, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** One working area of the console: a titled panel that tests address by its test id. */
export function AreaPanel(props: {
  testId: string;
  title: string;
  gridArea: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper
      data-testid={props.testId}
      variant="outlined"
      sx={{
        gridArea: props.gridArea,
        display: 'flex',
        flexDirection: 'column',
        minHeight: 0,
        minWidth: 0,
        overflow: 'hidden',
      }}
    >
      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          gap: 1,
          px: 1.5,
          py: 0.75,
          borderBottom: 1,
          borderColor: 'divider',
        }}
      >
        <Typography variant="h6" component="h2" sx={{ flex: 1 }}>
          {props.title}
        </Typography>
        {props.actions}
      </Box>
      {/* Focusable and named, so an area that scrolls can be scrolled from the keyboard too. */}
      <Box
        role="region"
        aria-label={props.title}
        tabIndex={0}
        sx={{ flex: 1, minHeight: 0, overflow: 'auto', position: 'relative' }}
      >
        {props.children}
      </Box>
    </Paper>
  );
}
