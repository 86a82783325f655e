import { bridgeScenarios } from './bridgeScenarios';

bridgeScenarios('voicelive', 'conversation');
