// Several words of a vocabulary chosen with checkboxes (a return's reasons, a centre's two-level exam kinds): one
// labelled checkbox per word; the chosen ones kept in the vocabulary's order, each once.
export function CheckboxChoices<T extends string>({
  choices,
  chosen,
  labelOf,
  testIdPrefix,
  onChange,
}: {
  choices: readonly T[];
  chosen: readonly T[];
  labelOf: (choice: T) => string;
  /** each checkbox's test id is the prefix and its word */
  testIdPrefix: string;
  onChange: (chosen: T[]) => void;
}) {
  const toggle = (choice: T, on: boolean) =>
    onChange(on ? choices.filter((c) => c === choice || chosen.includes(c)) : chosen.filter((c) => c !== choice));
  return (
    <>
      {choices.map((choice) => (
        <label key={choice} className="checkbox-field">
          <input
            type="checkbox"
            checked={chosen.includes(choice)}
            data-testid={`${testIdPrefix}${choice}`}
            onChange={(e) => toggle(choice, e.target.checked)}
          />
          {labelOf(choice)}
        </label>
      ))}
    </>
  );
}
