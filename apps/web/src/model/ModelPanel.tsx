import { activity, busy, modelError } from '../client.js';
import { PLUGINS } from '../models.js';
import { reset } from '../run/store.js';
import { Choice, NumberInput, TextInput } from '../ui/inputs.js';
import { formFields, valueOf, type FormField } from './forms.js';
import { chosenPlugin, formValues, modelName, seed } from './store.js';

function setValue(name: string, text: string): void {
  formValues.value = { ...formValues.value, [name]: text };
  void reset();
}

/** One option's control, from its spec: a menu for choices, a number field, or text. */
function Field({ field, disabled }: { field: FormField; disabled: boolean }) {
  const { spec, id, name } = field;
  const value = valueOf(spec, formValues.value);
  const title = spec.description;
  const label = name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  if (spec.type === 'string' && spec.choices) return <Choice id={id} label={label} title={title} value={value} choices={spec.choices} disabled={disabled} onChange={(v) => setValue(name, v)} />;
  if (spec.type === 'number' || spec.type === 'integer')
    return <NumberInput id={id} label={label} title={title} value={value} step={spec.type === 'integer' ? 1 : 'any'} disabled={disabled} onCommit={(v) => setValue(name, String(v))} />;
  return <TextInput id={id} label={label} title={title} value={value} disabled={disabled} onCommit={(v) => setValue(name, v)} />;
}

/** The chosen model's form, derived from its option specs; nothing here knows any model. */
export function ModelPanel() {
  const plugin = chosenPlugin.value;
  const disabled = busy.value && activity.value !== 'play';
  const { primary, more, groups } = formFields(plugin);
  return (
    <section class="panel" aria-labelledby="model-title">
      <h2 id="model-title">Model</h2>
      <label>
        Model
        <select
          id="model"
          value={modelName.value}
          disabled={disabled}
          onChange={(e) => {
            modelName.value = e.currentTarget.value;
            void reset();
          }}
        >
          {PLUGINS.map((p) => (
            <option value={p.name}>{`${p.name} — ${p.description}`}</option>
          ))}
        </select>
      </label>
      <div class="fields">
        {primary.map((f) => (
          <Field field={f} disabled={disabled} />
        ))}
        <NumberInput id="seed" label="seed" value={seed.value} disabled={disabled} onCommit={(v) => ((seed.value = v), void reset())} />
      </div>
      {more.length > 0 && (
        <details id="more-options">
          <summary>more options ({more.length})</summary>
          {groups.map(({ group, fields }) => (
            <fieldset class="fields" data-group={group}>
              <legend>{group}</legend>
              {fields.map((f) => (
                <Field field={f} disabled={disabled} />
              ))}
            </fieldset>
          ))}
        </details>
      )}
      {modelError.value && (
        <p id="model-error" class="error" role="alert">
          {modelError.value}
        </p>
      )}
    </section>
  );
}
