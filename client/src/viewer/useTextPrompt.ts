// The viewer's one user prompt: the text of an arrow or text note, asked in a small form over the image (the
// library's own prompt is window.prompt, which blocks the page). The tools ask through `ask`; the form answers.
import { useCallback, useRef, useState, type RefObject } from 'react';
import type { AskText } from './tools.ts';

/** an annotation's text being asked for (the id tells one question's form from the next) */
export interface TextRequest {
  id: number;
  initial: string;
  done: (text: string | null) => void;
}

export interface TextPrompt {
  /** the question the form shows; null: none */
  request: TextRequest | null;
  /** for the tools: one question at a time, a new one cancels one left open */
  ask: AskText;
  /** the form's answer (null: cancelled) */
  answer: (text: string | null) => void;
  /** cancels the question left open, if any */
  cancel: () => void;
}

export function useTextPrompt(elementRef: RefObject<HTMLElement | null>): TextPrompt {
  const [request, setRequest] = useState<TextRequest | null>(null);
  const pending = useRef<TextRequest | null>(null);
  const asked = useRef(0);

  const ask = useCallback<AskText>((initial, done) => {
    pending.current?.done(null);
    const question = { id: ++asked.current, initial, done };
    pending.current = question;
    setRequest(question);
  }, []);
  // stable (it reads refs and sets state), so that effects may call it without depending on renders
  const answer = useCallback(
    (text: string | null) => {
      const question = pending.current;
      pending.current = null;
      setRequest(null);
      question?.done(text);
      elementRef.current?.focus({ preventScroll: true }); // back to the image, where the shortcuts work
    },
    [elementRef],
  );
  const cancel = useCallback(() => {
    if (pending.current) answer(null);
  }, [answer]);
  return { request, ask, answer, cancel };
}
