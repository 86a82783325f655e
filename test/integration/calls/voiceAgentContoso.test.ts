import { voiceAgentScenarios } from './voiceAgentScenarios';

voiceAgentScenarios('contoso');
