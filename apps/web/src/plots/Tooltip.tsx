import type { DatasetInfo } from '../session/types.js';
import { componentColor, cssColor } from './colors.js';

const MAX_COLUMNS = 8;

/** A drawn row's values and, after an E-step, its responsibilities (and uncertainty). */
export function Tooltip(props: {
  info: DatasetInfo;
  row: number;
  left: number;
  top: number;
  responsibilities: Float64Array | null;
  k: number;
  uncertainty: Float64Array | null;
}) {
  const { info, row, k } = props;
  const values = Array.from(info.drawn.subarray(row * info.cols, (row + 1) * info.cols));
  const shown = values.slice(0, MAX_COLUMNS);
  return (
    <div id="tooltip" class="tooltip" role="tooltip" data-row={row} style={{ left: `${props.left + 14}px`, top: `${props.top + 14}px` }}>
      <strong>row {row + 1}</strong>
      <table>
        <tbody>
          {shown.map((v, c) => (
            <tr>
              <th>{info.columns[c]}</th>
              <td>{v}</td>
            </tr>
          ))}
          {values.length > MAX_COLUMNS && (
            <tr>
              <th>…</th>
              <td>{values.length - MAX_COLUMNS} more</td>
            </tr>
          )}
        </tbody>
      </table>
      {props.responsibilities && (
        <table class="responsibilities">
          <tbody>
            {Array.from({ length: k }, (_, j) => {
              const r = props.responsibilities![row * k + j];
              return (
                <tr>
                  <th>
                    <span class="swatch" style={{ background: cssColor(componentColor(j)) }} /> r{j + 1}
                  </th>
                  <td>{r.toFixed(4)}</td>
                </tr>
              );
            })}
            {props.uncertainty && (
              <tr>
                <th>1 − max r</th>
                <td>{props.uncertainty[row].toFixed(4)}</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
