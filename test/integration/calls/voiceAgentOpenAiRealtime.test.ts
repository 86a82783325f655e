import { voiceAgentScenarios } from './voiceAgentScenarios';

voiceAgentScenarios('openai-realtime');
