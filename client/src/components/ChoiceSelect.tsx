// A select of one word of a vocabulary (exam kinds, body regions…) or none: the first option is the unset one
// ("any", "choose…"), the others the vocabulary's words in its order, each with its label.
export function ChoiceSelect<T extends string>({
  id,
  testId,
  value,
  choices,
  unsetLabel,
  labelOf,
  onChange,
}: {
  id: string;
  testId?: string;
  value: T | '';
  choices: readonly T[];
  unsetLabel: string;
  labelOf: (choice: T) => string;
  onChange: (value: T | '') => void;
}) {
  return (
    <select id={id} data-testid={testId} value={value} onChange={(e) => onChange(choices.find((c) => c === e.target.value) ?? '')}>
      <option value="">{unsetLabel}</option>
      {choices.map((choice) => (
        <option key={choice} value={choice}>
          {labelOf(choice)}
        </option>
      ))}
    </select>
  );
}
