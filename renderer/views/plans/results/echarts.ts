/**
 * The parts of ECharts the results screens use, registered once: only these are bundled
 * (ECharts' full build is ~1 MB; this is a fraction of it).
 */
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';

use([CanvasRenderer, BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent]);

export type { EChartsCoreOption as ChartOption } from 'echarts/core';
