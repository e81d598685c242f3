import { Box, Button, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_REVIEW_OPINIONS,
  MAX_REVIEW_PEOPLE,
  REVIEW_DIMENSIONS,
  type ReviewDimensionId,
  type ReviewOpinion,
} from '../../../shared/contract';
import { SEVERITIES } from '../../../shared/domain/facilities';
import { quarterDays, quarterOf } from '../../../shared/domain/quarter-review';
import { useClient } from '../../api/client';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useCall } from '../../ui/useCall';

/** Names as people type them in one field: separated by 、 , ， ; or spaces; each once. */
export function splitNames(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[、,，;；\s]+/)
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    ),
  ];
}

/** The quarter a review is most likely recorded for, and the seven before it (a review of a past quarter). */
function quarterChoices(today: string): string[] {
  const out: string[] = [];
  let q = quarterOf(today);
  for (let i = 0; i < 8; i++) {
    out.push(q);
    const before = quarterDays(q).first;
    const [y, m] = before.split('-').map(Number) as [number, number];
    q = m === 1 ? `${y - 1}-Q4` : quarterOf(`${y}-${String(m - 3).padStart(2, '0')}-01`);
  }
  return out;
}

const GROUPS = ['residents', 'committee', 'staff'] as const;

/**
 * The quarterly review (季度互评): who took part (residents' representatives, owners' committee members, property
 * staff), a score for each service, the opinions raised — each noted only or opened as a hazard or a work order in
 * the facilities feature as the supervisor who records it — and the conclusion. One per quarter.
 */
export function QuarterReviewDialog(props: { today: string; day: string; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('inline');
  const choices = quarterChoices(props.today);
  const [quarter, setQuarter] = useState(() => {
    const asked = quarterOf(props.day);
    return choices.includes(asked) ? asked : choices[0]!;
  });
  const [heldOn, setHeldOn] = useState(props.today);
  const [people, setPeople] = useState<Record<(typeof GROUPS)[number], string>>({
    residents: '',
    committee: '',
    staff: '',
  });
  const [scores, setScores] = useState<Record<ReviewDimensionId, string>>(
    () => Object.fromEntries(REVIEW_DIMENSIONS.map((d) => [d, ''])) as Record<ReviewDimensionId, string>,
  );
  const [opinions, setOpinions] = useState<ReviewOpinion[]>([]);
  const [conclusion, setConclusion] = useState('');

  const names = Object.fromEntries(GROUPS.map((g) => [g, splitNames(people[g])])) as Record<
    (typeof GROUPS)[number],
    string[]
  >;
  const scoreOf = (d: ReviewDimensionId) => {
    const v = scores[d].trim();
    return /^\d{1,3}$/.test(v) && Number(v) <= 100 ? Number(v) : null;
  };
  const setOpinion = (i: number, change: Partial<ReviewOpinion>) =>
    setOpinions((all) => all.map((op, j) => (j === i ? { ...op, ...change } : op)));
  const complete =
    /^\d{4}-\d{2}-\d{2}$/.test(heldOn) &&
    names.residents.length + names.committee.length > 0 &&
    GROUPS.every((g) => names[g].length <= MAX_REVIEW_PEOPLE && names[g].every((n) => n.length <= 40)) &&
    REVIEW_DIMENSIONS.every((d) => scoreOf(d) !== null) &&
    opinions.every((op) => op.text.trim() !== '') &&
    conclusion.trim() !== '';

  const submit = async () => {
    const done = await call.run(() =>
      client.call('reports.quarterReview', {
        quarter,
        heldOn,
        participants: names,
        scores: REVIEW_DIMENSIONS.map((id) => ({ id, score: scoreOf(id) ?? 0 })),
        opinions: opinions.map((op) => ({ ...op, text: op.text.trim() })),
        conclusion: conclusion.trim(),
      }),
    );
    if (done) {
      props.onDone();
      props.onClose();
    }
  };

  return (
    <FormDialog
      open
      title={t('reports.quarterReview.title')}
      testId="quarter-review"
      onClose={props.onClose}
      onSubmit={submit}
      canSubmit={complete}
      busy={call.busy}
      error={call.error ?? undefined}
      submitLabel={t('reports.quarterReview.save')}
      submitTestId="quarter-review-save"
      maxWidth="md"
    >
      <Typography variant="body2" color="text.secondary">
        {t('reports.quarterReview.hint')}
      </Typography>
      <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
        <SelectInput
          label={t('reports.quarterReview.quarter')}
          value={quarter}
          onChange={setQuarter}
          options={choices.map((q) => ({
            value: q,
            label: t('reports.quarterReview.quarterName', { year: q.slice(0, 4), q: q.slice(6) }),
          }))}
          testId="quarter-review-quarter"
          sx={{ minWidth: 180 }}
        />
        <TextInput
          type="date"
          label={t('reports.quarterReview.heldOn')}
          value={heldOn}
          onChange={setHeldOn}
          shrinkLabel
          htmlInput={{ max: props.today }}
          testId="quarter-review-held-on"
        />
      </Box>
      <Typography variant="caption" color="text.secondary">
        {t('reports.quarterReview.namesHint')}
      </Typography>
      {GROUPS.map((g) => (
        <TextInput
          key={g}
          label={t(`reports.quarterReview.${g}`)}
          value={people[g]}
          onChange={(v) => setPeople((p) => ({ ...p, [g]: v }))}
          maxLength={MAX_REVIEW_PEOPLE * 41}
          fullWidth
          testId={`quarter-review-${g}`}
        />
      ))}
      <Typography variant="subtitle2">{t('reports.quarterReview.scores')}</Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', gap: 1 }}>
        {REVIEW_DIMENSIONS.map((d) => (
          <TextInput
            key={d}
            type="number"
            label={t(`reports.quarterReview.dimension.${d}`)}
            value={scores[d]}
            onChange={(v) => setScores((s) => ({ ...s, [d]: v }))}
            htmlInput={{ min: 0, max: 100, step: 1 }}
            testId={`quarter-review-score-${d}`}
          />
        ))}
      </Box>
      <Typography variant="subtitle2">{t('reports.quarterReview.opinions')}</Typography>
      {opinions.map((op, i) => (
        <Box
          key={i}
          data-testid={`quarter-review-opinion-${i}`}
          sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}
        >
          <TextInput
            label={t('reports.quarterReview.opinionText')}
            value={op.text}
            onChange={(text) => setOpinion(i, { text })}
            maxLength={500}
            testId={`quarter-review-opinion-text-${i}`}
            sx={{ flex: '2 1 280px' }}
          />
          <SelectInput
            label={t('reports.quarterReview.opinionDimension')}
            value={op.dimension}
            onChange={(dimension) => setOpinion(i, { dimension })}
            options={REVIEW_DIMENSIONS.map((d) => ({
              value: d,
              label: t(`reports.quarterReview.dimension.${d}`),
              testId: `quarter-review-dimension-${i}-${d}`,
            }))}
            displayTestId={`quarter-review-dimension-${i}`}
            sx={{ minWidth: 120 }}
          />
          <SelectInput
            label={t('reports.quarterReview.becomes')}
            value={op.becomes}
            onChange={(becomes) => setOpinion(i, { becomes })}
            options={(['hazard', 'order', 'note'] as const).map((v) => ({
              value: v,
              label: t(`reports.quarterReview.becomesWhat.${v}`),
              testId: `quarter-review-becomes-${i}-${v}`,
            }))}
            displayTestId={`quarter-review-becomes-${i}`}
            sx={{ minWidth: 150 }}
          />
          {op.becomes !== 'note' && (
            <SelectInput
              label={t('reports.quarterReview.severity')}
              value={op.severity}
              onChange={(severity) => setOpinion(i, { severity })}
              options={SEVERITIES.map((v) => ({ value: v, label: t(`facilities.severity.${v}`) }))}
              sx={{ minWidth: 110 }}
            />
          )}
          <Button size="small" onClick={() => setOpinions((all) => all.filter((_, j) => j !== i))}>
            {t('reports.quarterReview.removeOpinion')}
          </Button>
        </Box>
      ))}
      <Box>
        <Button
          size="small"
          variant="outlined"
          data-testid="quarter-review-add-opinion"
          disabled={opinions.length >= MAX_REVIEW_OPINIONS}
          onClick={() =>
            setOpinions((all) => [
              ...all,
              { text: '', dimension: 'security', becomes: 'hazard', severity: 'normal' },
            ])
          }
        >
          {t('reports.quarterReview.addOpinion')}
        </Button>
      </Box>
      <TextInput
        label={t('reports.quarterReview.conclusion')}
        value={conclusion}
        onChange={setConclusion}
        multiline
        minRows={2}
        maxLength={2000}
        fullWidth
        testId="quarter-review-conclusion"
      />
    </FormDialog>
  );
}
