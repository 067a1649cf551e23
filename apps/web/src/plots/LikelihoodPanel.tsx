import { snapshot, trainingValues } from '../run/store.js';
import { LineChart } from './LineChart.js';

/** The mean objective (log-likelihood, ELBO, −inertia) of every E-step, or a trained model's objective per unit of training. */
export function LikelihoodPanel() {
  const snap = snapshot.value;
  const training = snap?.view.training ?? null;
  const values = trainingValues.value ?? training?.values ?? snap?.state.history ?? [];
  const objective = snap?.capabilities.objective.name ?? 'log-likelihood';
  const title = training ? `${training.objective} per ${training.unit}` : `mean ${objective}`;
  const x = training ? training.unit : 'E-step';
  return (
    <section class="plot-panel" aria-labelledby="ll-title">
      <h2 id="ll-title">{training ? `${training.objective} by ${training.unit}` : `Mean ${objective} per iteration`}</h2>
      <LineChart
        id="likelihood"
        series={[{ label: title, color: training ? '#e15759' : '#4e79a7', points: values.map((v, i) => [i + 1, v] as const) }]}
        xTitle={x}
        yTitle={title}
        emptyText={training ? 'press Train to see the training curve' : `step E to see the ${objective}`}
        data={{ series: training ? 'training' : 'log-likelihood', history: JSON.stringify(values) }}
      />
    </section>
  );
}
