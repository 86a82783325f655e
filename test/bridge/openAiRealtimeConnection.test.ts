import { bridgeScenarios } from './bridgeScenarios';

bridgeScenarios('openai-realtime', 'connection');
