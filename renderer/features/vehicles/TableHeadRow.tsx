import { TableCell, TableHead, TableRow } from '@mui/material';

/** A vehicles table's head from its columns' words (an empty one for a column of buttons). */
export function HeadRow({ labels }: { labels: readonly string[] }) {
  return (
    <TableHead>
      <TableRow>
        {labels.map((label, i) => (
          <TableCell key={i}>{label || null}</TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}
