import type { MessagingAgent } from '../flows/flowSchema';

// What an agent says without its model, in the definition's language: when the model is down, refuses,
// or a tool has acted. Short enough for one SMS segment each.

export type ReplyKey =
  'apology' | 'refusal' | 'handoff' | 'callBack' | 'callBackFailed' | 'fallback' | 'mediaReceived' | 'followUp';

const REPLIES: Record<NonNullable<MessagingAgent['language']>, Record<ReplyKey, string>> = {
  en: {
    apology: 'Sorry, we cannot answer right now. Please try again in a few minutes or call us.',
    refusal: 'Sorry, I cannot help with that. Is there something else I can do for you?',
    handoff: 'I am passing this conversation to a colleague, who will reply here shortly.',
    callBack: 'Thanks, we are calling you now.',
    callBackFailed: 'Sorry, I could not arrange a call back. Please call us instead.',
    fallback: 'I can help with: {topics}. Or ask for a person at any time.',
    mediaReceived: 'Thanks, we received your file.',
    followUp: 'About your call with us: {resolution}',
  },
  es: {
    apology: 'Lo sentimos, no podemos responder ahora. Inténtelo de nuevo en unos minutos o llámenos.',
    refusal: 'Lo siento, no puedo ayudar con eso. ¿Puedo ayudarle con otra cosa?',
    handoff: 'Paso esta conversación a un compañero, que le responderá aquí en breve.',
    callBack: 'Gracias, le estamos llamando ahora.',
    callBackFailed: 'Lo siento, no pude organizar la llamada. Por favor, llámenos.',
    fallback: 'Puedo ayudarle con: {topics}. O pida hablar con una persona.',
    mediaReceived: 'Gracias, hemos recibido su archivo.',
    followUp: 'Sobre su llamada: {resolution}',
  },
  fr: {
    apology: 'Désolé, nous ne pouvons pas répondre pour le moment. Réessayez dans quelques minutes ou appelez-nous.',
    refusal: 'Désolé, je ne peux pas vous aider avec cela. Puis-je vous aider autrement ?',
    handoff: 'Je transmets cette conversation à un collègue, qui vous répondra ici rapidement.',
    callBack: 'Merci, nous vous appelons maintenant.',
    callBackFailed: "Désolé, je n'ai pas pu organiser le rappel. Merci de nous appeler.",
    fallback: 'Je peux vous aider pour : {topics}. Ou demandez à parler à une personne.',
    mediaReceived: 'Merci, nous avons bien reçu votre fichier.',
    followUp: 'À propos de votre appel : {resolution}',
  },
};

export function fixedReply(agent: MessagingAgent, key: ReplyKey, values: { resolution?: string } = {}): string {
  const text = REPLIES[agent.language ?? 'en'][key];
  const topics = (agent.faq ?? []).map((f) => f.question.replace(/[?.!]+$/, '').toLowerCase()).slice(0, 4);
  return text.replace('{topics}', topics.join('; ') || '-').replace('{resolution}', values.resolution ?? '');
}
