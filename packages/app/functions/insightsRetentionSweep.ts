import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getAnalytics } from '../src/app/analyticsServices';

// Daily: annotations, the customer index and rollups of conversations that started more than
// INSIGHTS_RETENTION_DAYS ago are deleted.
export async function insightsRetentionSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const { analytics, retentionDays } = await getAnalytics();
  const before = new Date(Date.now() - retentionDays * 86_400_000);
  const annotations = await analytics.annotations.deleteBefore(before);
  const rollups = await analytics.rollups.deleteBefore(before);
  if (annotations || rollups) context.info('insights retention applied', { annotations, rollups });
}

app.timer('insightsRetentionSweep', { schedule: '0 17 3 * * *', handler: insightsRetentionSweep });
