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
        height: '100%',
        overflow: 'hidden',
      }}
    >
      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          // A narrow panel puts its buttons on a second line; the title never breaks inside a word.
          flexWrap: 'wrap',
          columnGap: 1,
          rowGap: 0.5,
          px: 1.5,
          py: 0.75,
          borderBottom: 1,
          borderColor: 'divider',
        }}
      >
        <Typography variant="h6" component="h2" sx={{ flex: '1 0 auto', whiteSpace: 'nowrap' }}>
          {props.title}
        </Typography>
        {props.actions && (
          <Box sx={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'flex-end', minWidth: 0 }}>
            {props.actions}
          </Box>
        )}
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
