import { voiceAgentScenarios } from './voiceAgentScenarios';

voiceAgentScenarios('voicelive');
